using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Orchestrator.Apr;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>The APR runtime on recorded traces (scripted generations on real threads) and on a model's garbage output.</summary>
public sealed class AprProtocolTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    /// <summary>Builds a child's context from its header, as the Countdown task does (here: the header line alone).</summary>
    private sealed class HeaderTask : IAprTask
    {
        public string BuildChildContext(string parentTrace, AprChildCall call) =>
            call.Node == "9,9" ? throw new AprProtocolException("node #9,9 is not defined by the parent") : call.Header + "\n";
    }

    /// <summary>Replays recorded text: the root's rounds in order, each child's trace by its node.</summary>
    private static AprProtocol.Generate Recorded(Queue<string> rootRounds, Dictionary<string, string> children) => (thread, options, ct) =>
    {
        string text = thread.Parent is null ? rootRounds.Dequeue() : children[thread.Text.Split('\n')[0].Replace("Moving to Node #", "")];
        thread.Append(text);
        string? stop = options.StopStrings.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal));
        return Task.FromResult(new ThreadGeneration(text, text.Length, stop is null ? FinishReason.Stop : FinishReason.Stop, stop,
            stop is null ? -1 : text.IndexOf(stop, StringComparison.Ordinal), false));
    };

    private const string Spawn =
        "Moving to Node #0\nGenerated Node #0,0: x\nGenerated Node #0,1: y\n" +
        "<Calling Sub Searches>\n<Start Sub Search 0 at level 1> Moving to Node #0,0\n<Start Sub Search 1 at level 1> Moving to Node #0,1\n<End Calling Sub Searches>\n";

    [Fact(Timeout = 60_000)]
    public async Task The_spawn_block_is_replaced_by_the_join_block_of_the_children_results()
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, new ByteCodec()))
        {
            var generate = Recorded(new Queue<string>([Spawn, "98,98 equal: Goal Reached\n"]), new()
            {
                ["0,0"] = "63,98 unequal: No Solution\n",
                ["0,1"] = "98,98 equal: Goal Reached\nMoving to Node #0\n98,98 equal: Goal Reached\n",
            });

            var result = await AprProtocol.RunAsync(run, "Current State: 98:[44, 19, 35, 73], Operations: []\n", new HeaderTask(), new AprOptions(), generate, default);

            result.FailureReason.Should().BeNull();
            result.Rounds.Should().Be(1);
            result.Root.Text.Should().Be(
                "Current State: 98:[44, 19, 35, 73], Operations: []\n" +
                "Moving to Node #0\nGenerated Node #0,0: x\nGenerated Node #0,1: y\n" +
                "<Sub Searches>\n<No Solution in Sub Search 0 at level 1 at Node #0,0>\n" +
                "<Goal Reached in Sub Search 1 at level 1 at Node #0,1>\nMoving to Node #0\n98,98 equal: Goal Reached\n<End Sub Searches>\n" +
                "98,98 equal: Goal Reached\n");
            result.Root.Children.Select(c => c.EndReason).Should().Equal("no solution", "goal reached");
            result.Root.Status.Should().Be(ThreadStatus.Finished);
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("<Calling Sub Searches>\n<Start Sub Search 0 at level 1> Moving to Node #9,9\n<End Calling Sub Searches>\n", "node #9,9 is not defined")]
    [InlineData("<Calling Sub Searches>\n<Start Sub Search 0 at levl 1> Moving to Node #0,0\n<End Calling Sub Searches>\n", "malformed spawn block")]
    public async Task A_malformed_spawn_ends_the_root_with_the_reason_and_the_run_finishes(string spawn, string reason)
    {
        using var run = new ThreadRun(_engine, new ByteCodec());
        var result = await AprProtocol.RunAsync(run, "p\n", new HeaderTask(), new AprOptions(), Recorded(new Queue<string>([spawn]), []), default);

        result.Root.Status.Should().Be(ThreadStatus.Failed);
        result.FailureReason.Should().Contain(reason);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_join_block_longer_than_the_context_window_ends_the_root_with_the_reason_and_frees_every_page()
    {
        int free = _engine.Pool.FreeCount;
        const string prompt = "Current State: 98:[44, 19, 35, 73], Operations: []\n";
        // One byte a token (ByteCodec): the root holds prompt + spawn block; the join block carries a child's whole trace.
        // What follows the child's first "Goal Reached" is its result, copied into the join block.
        string longTrace = "98,98 equal: Goal Reached\n" + string.Concat(Enumerable.Repeat("Moving to Node #0,1,0\n", 12)) + "98,98 equal: Goal Reached\n";
        int window = longTrace.Length + 60;   // room for each child (header + trace), not for the root after the join
        using (var run = new ThreadRun(_engine, new ByteCodec(), new ThreadBudget { ContextWindow = window }))
        {
            var generate = Recorded(new Queue<string>([Spawn]), new()
            {
                ["0,0"] = "63,98 unequal: No Solution\n",
                ["0,1"] = longTrace,
            });

            var result = await AprProtocol.RunAsync(run, prompt, new HeaderTask(), new AprOptions(), generate, default);

            (prompt.Length + Spawn.Length + longTrace.Length).Should().BeGreaterThan(window, "the test's premise");
            result.Root.Status.Should().Be(ThreadStatus.Failed);
            result.FailureReason.Should().Contain("join block does not fit").And.Contain($"context window is {window}");
            result.Rounds.Should().Be(1);
            result.Root.Children.Select(c => c.EndReason).Should().Equal("no solution", "goal reached");
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Thirty_children_are_refused_by_a_fan_out_budget_of_16()
    {
        string spawn = "<Calling Sub Searches>\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"<Start Sub Search {i} at level 1> Moving to Node #0,{i}\n")) + "<End Calling Sub Searches>\n";
        using var run = new ThreadRun(_engine, new ByteCodec(), new ThreadBudget { MaxFanOut = 16 });

        var result = await AprProtocol.RunAsync(run, "p\n", new HeaderTask(), new AprOptions(), Recorded(new Queue<string>([spawn]), []), default);

        result.FailureReason.Should().Contain("30 children").And.Contain("16");
        run.Threads.Should().HaveCount(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_model_that_never_writes_the_protocol_is_stopped_by_its_token_budget()
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, new ByteCodec(), new ThreadBudget { MaxTokensPerThread = 40 }))
        {
            var result = await AprProtocol.RunAsync(run, "Current State: 98:[44, 19, 35, 73], Operations: []\n", new HeaderTask(),
                new AprOptions { Parent = new ThreadGenerationOptions { MaxTokens = 1000, Temperature = 1, Seed = 5 } });

            result.Root.Status.Should().Be(ThreadStatus.Failed);
            result.FailureReason.Should().Contain("ran out of tokens");
            result.Root.GeneratedTokens.Should().BeLessThanOrEqualTo(40);
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }
}
