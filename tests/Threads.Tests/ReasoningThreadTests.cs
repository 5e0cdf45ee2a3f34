using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

public sealed class ReasoningThreadTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    private readonly ByteCodec _codec = new();

    public void Dispose() => _engine.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Spawned_children_generate_together_in_the_same_engine_steps()
    {
        using var run = new ThreadRun(_engine, _codec);
        var root = run.CreateRoot("Plan: ");
        var children = root.Spawn(["child zero", "child one", "child two", "child three"]);
        long stepsBefore = _engine.Steps;

        // Under a hold the four submissions enter the engine together, so they share every step: exactly as many
        // steps as one child's tokens (serial generation takes four times as many).
        const int tokens = 64;
        Task<ThreadGeneration>[] running;
        using (run.HoldSubmissions())
            running = [.. children.Select(c => c.GenerateAsync(new ThreadGenerationOptions { MaxTokens = tokens }))];
        var results = await Task.WhenAll(running);

        results.Should().OnlyContain(r => r.Tokens == tokens);
        (_engine.Steps - stepsBefore).Should().Be(tokens, "the four children share every step");
        run.TotalTokens.Should().Be(4 * tokens);
        root.SequentialTokens.Should().Be(tokens, "the longest chain is one child's tokens");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_spawn_beyond_the_fan_out_budget_is_refused_and_leaks_nothing()
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxFanOut = 3 }))
        {
            var root = run.CreateRoot("x");
            var act = () => root.Spawn(Enumerable.Repeat("c", 10_000).ToList());
            act.Should().Throw<BudgetExceededException>().WithMessage("*10000 children*allows 3*");
            await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 3 });
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_run_ends_every_thread_and_frees_every_page()
    {
        int free = _engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        var run = new ThreadRun(_engine, _codec, cancellationToken: cts.Token);
        var root = run.CreateRoot("root prompt");
        var children = root.Spawn(["a", "b", "c"]);
        var work = children.Select(c => c.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 2000 })).ToList();
        await Task.Delay(50);
        cts.Cancel();

        foreach (var w in work)
            await w.Invoking(async t => await t).Should().ThrowAsync<OperationCanceledException>();
        run.Dispose();

        _engine.Pool.FreeCount.Should().Be(free);
        run.Threads.Should().OnlyContain(t => t.Status == ThreadStatus.Cancelled);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_thread_token_budget_ends_generation_and_says_so()
    {
        using var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxTokensPerThread = 5 });
        var root = run.CreateRoot("budget");
        var result = await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 });
        result.Tokens.Should().Be(5);
        result.BudgetExhausted.Should().BeTrue();
        (await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 })).Tokens.Should().Be(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stop_string_ends_generation_where_it_appears()
    {
        using var run = new ThreadRun(_engine, _codec);
        var first = run.CreateRoot("Greedy text: ");
        var probe = first.Fork();
        string free = (await probe.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 30 })).Text;
        string stop = free.Substring(10, 3);

        var result = await first.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 30, StopStrings = [stop] });

        result.StopString.Should().Be(stop);
        result.StopIndex.Should().Be(free.IndexOf(stop, StringComparison.Ordinal));
        result.Finish.Should().Be(FinishReason.Stop);
        free.Should().StartWith(result.Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task Truncating_text_keeps_the_context_tokens_and_text_in_agreement()
    {
        using var run = new ThreadRun(_engine, _codec);
        var root = run.CreateRoot("Header line\n");
        await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 20 });

        root.TruncateText(8);

        root.Text.Should().Be("Header l");
        _codec.Decode(root.Sequence!.Tokens).Should().Be("Header l");
        var after = await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 4 });
        after.Tokens.Should().Be(4);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_tree_records_threads_their_children_and_status()
    {
        using var run = new ThreadRun(_engine, _codec);
        var root = run.CreateRoot("tree");
        var kids = root.Spawn(["k0", "k1"]);
        await Task.WhenAll(kids.Select(k => k.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 3 })));
        kids[0].End(ThreadStatus.Finished);
        kids[1].End(ThreadStatus.Failed, "malformed header");
        root.Join(kids, " joined");

        var json = ReasoningTree.ToJson(root);

        json["children"]!.AsArray().Should().HaveCount(2);
        json["children"]![1]!["status"]!.GetValue<string>().Should().Be("failed");
        json["children"]![1]!["reason"]!.GetValue<string>().Should().Be("malformed header");
        json["text"]!.GetValue<string>().Should().Be("tree joined");
    }
}
