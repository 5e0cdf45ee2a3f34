using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

public sealed class OutcomeAndEventTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    private readonly ByteCodec _codec = new();

    public void Dispose() => _engine.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Each_way_a_generation_ends_has_its_typed_outcome()
    {
        using var run = new ThreadRun(_engine, _codec, new ThreadBudget { ContextWindow = 20, MaxTokensPerThread = 8 });
        var budget = run.CreateRoot("budget");
        (await budget.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 })).Outcome.Kind.Should().Be(ThreadOutcomeKind.Budget);

        var call = run.CreateRoot("call");
        (await call.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 2 })).Outcome.Should().Be(new ThreadOutcome(ThreadOutcomeKind.Budget, "the call's token limit"));

        var full = run.CreateRoot("a prompt of 16 chr");
        var filled = await full.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 });
        filled.Tokens.Should().Be(2, "the 20-token window holds 18 prompt tokens");
        filled.Outcome.Kind.Should().Be(ThreadOutcomeKind.ContextFull);

        var probe = run.CreateRoot("Greedy text: ");
        string free = (await probe.Fork().GenerateAsync(new ThreadGenerationOptions { MaxTokens = 8 })).Text;
        var stopped = await probe.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 8, StopStrings = [free.Substring(3, 2)] });
        stopped.Outcome.Should().Be(new ThreadOutcome(ThreadOutcomeKind.StopString, free.Substring(3, 2)));

        var eos = new ThreadGeneration("x", 1, FinishReason.Stop, null, -1, false);
        eos.Outcome.Kind.Should().Be(ThreadOutcomeKind.Finished);
    }

    [Fact(Timeout = 60_000)]
    public async Task Outcomes_are_recorded_on_threads_in_end_events_and_in_the_tree()
    {
        using var cts = new CancellationTokenSource();
        var run = new ThreadRun(_engine, _codec, new ThreadBudget(), cts.Token);
        var root = run.CreateRoot("tree");
        var kids = root.Spawn(["k0", "k1", "k2"]);
        kids[0].End(new ThreadOutcome(ThreadOutcomeKind.Malformed, "bad header"));
        kids[1].End(ThreadStatus.Finished, "goal reached");
        var running = kids[2].GenerateAsync(new ThreadGenerationOptions { MaxTokens = 2000 });
        await Task.Delay(30);
        cts.Cancel();
        await running.Invoking(async t => await t).Should().ThrowAsync<OperationCanceledException>();

        kids[0].Status.Should().Be(ThreadStatus.Failed);
        kids[0].EndReason.Should().Be("bad header");
        kids[1].Outcome.Should().Be(new ThreadOutcome(ThreadOutcomeKind.Finished, "goal reached"));
        kids[2].Outcome!.Kind.Should().Be(ThreadOutcomeKind.Cancelled);
        var json = ReasoningTree.ToJson(root);
        json["children"]![0]!["outcome"]!.GetValue<string>().Should().Be("malformed");
        json["children"]![0]!["outcome_detail"]!.GetValue<string>().Should().Be("bad header");
        json["children"]![0]!["status"]!.GetValue<string>().Should().Be("failed");

        run.Dispose();
        var ended = new List<ThreadEnded>();
        await foreach (var e in run.Events)
            if (e is ThreadEnded end)
                ended.Add(end);
        ended.Select(e => (e.ThreadId, e.Outcome!.Kind)).Should().BeEquivalentTo(new[]
        {
            (kids[0].Id, ThreadOutcomeKind.Malformed), (kids[1].Id, ThreadOutcomeKind.Finished), (kids[2].Id, ThreadOutcomeKind.Cancelled),
            (root.Id, ThreadOutcomeKind.Cancelled),
        });
    }

    [Fact(Timeout = 60_000)]
    public async Task A_run_nobody_reads_keeps_only_the_newest_token_events_and_every_structural_one()
    {
        // One-token calls write exactly one token event each (a call's text is never empty with the byte codec), so
        // the events written are known: 24, of which the stream keeps the newest 8.
        const int capacity = 8;
        var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxQueuedTokenEvents = capacity });
        var root = run.CreateRoot("p");
        var kids = root.Spawn(["a", "b"]);
        var written = new List<(int Thread, string Text)>();
        foreach (var k in kids)
            for (int i = 0; i < 12; i++)
                written.Add((k.Id, (await k.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 1 })).Text));
        foreach (var k in kids)
            k.End(ThreadStatus.Finished);
        run.Dispose();

        var events = new List<ReasoningEvent>();
        await foreach (var e in run.Events)
            events.Add(e);

        written.Should().OnlyContain(w => w.Text.Length > 0);
        events.OfType<TokensGenerated>().Select(t => (t.ThreadId, t.Text)).Should().Equal(written.TakeLast(capacity));
        run.DroppedEvents.Should().Be(written.Count - capacity);
        events.OfType<ThreadStarted>().Should().HaveCount(3);
        events.OfType<ThreadsSpawned>().Should().HaveCount(1);
        events.OfType<ThreadEnded>().Should().HaveCount(3);
        events[0].Should().BeOfType<ThreadStarted>();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reader_that_keeps_up_sees_every_event_in_order()
    {
        var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxQueuedTokenEvents = 4 });
        var seen = new List<ReasoningEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in run.Events)
                lock (seen)
                    seen.Add(e);
        });
        var root = run.CreateRoot("p");
        for (int i = 0; i < 10; i++)
        {
            await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 1 });
            // Let the reader drain before the next token: it keeps up, so nothing may be dropped.
            while (true)
            {
                lock (seen)
                    if (seen.OfType<TokensGenerated>().Count() == i + 1)
                        break;
                await Task.Delay(1);
            }
        }
        root.End(ThreadStatus.Finished);
        run.Dispose();
        await reader;

        run.DroppedEvents.Should().Be(0);
        seen[0].Should().BeOfType<ThreadStarted>();
        seen[^1].Should().BeOfType<ThreadEnded>();
        seen.OfType<TokensGenerated>().Should().HaveCount(10);
    }
}
