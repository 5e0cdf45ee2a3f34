using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Orchestrator.Apr;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>
/// APR's bounds at exactly their value and one past it: the round limit and the fan-out, on recorded traces replayed
/// through the runtime's generation hook (the only internal this file uses).
/// </summary>
public sealed class AprLimitTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    private sealed class HeaderTask : IAprTask
    {
        public string BuildChildContext(string parentTrace, AprChildCall call) => call.Header + "\n";
    }

    /// <summary>
    /// The root writes <paramref name="rootRounds"/> in order (a queue: a round the runtime should not have asked for
    /// fails the test); every child writes a trace without a solution.
    /// </summary>
    private static AprProtocol.Generate Replay(Queue<string> rootRounds, List<string> rootCalls) => (thread, options, ct) =>
    {
        string text;
        if (thread.Parent is null)
        {
            rootRounds.Should().NotBeEmpty("the runtime asked the root for a round past the recorded ones");
            text = rootRounds.Dequeue();
            rootCalls.Add(text);
        }
        else
            text = "63,98 unequal: No Solution\n";
        thread.Append(text);
        string? stop = options.StopStrings.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal));
        return Task.FromResult(new ThreadGeneration(text, text.Length, FinishReason.Stop, stop, stop is null ? -1 : text.IndexOf(stop, StringComparison.Ordinal), false));
    };

    private static string SpawnBlock(int children) =>
        "<Calling Sub Searches>\n"
        + string.Concat(Enumerable.Range(0, children).Select(i => $"<Start Sub Search {i} at level 1> Moving to Node #0,{i}\n"))
        + "<End Calling Sub Searches>\n";

    private const string Done = "98,98 equal: Goal Reached\n";

    private async Task<(AprRunResult Result, int RootCalls, int Threads)> Run(IEnumerable<string> rootRounds, AprOptions options, ThreadBudget? budget = null)
    {
        int free = _engine.Pool.FreeCount;
        var calls = new List<string>();
        AprRunResult result;
        int threads;
        using (var run = new ThreadRun(_engine, new ByteCodec(), budget))
        {
            result = await AprProtocol.RunAsync(run, "Current State: 98:[44, 19, 35, 73], Operations: []\n", new HeaderTask(), options,
                Replay(new Queue<string>(rootRounds), calls), default);
            threads = run.Threads.Count;
        }
        _engine.Pool.FreeCount.Should().Be(free);
        return (result, calls.Count, threads);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Exactly_max_rounds_spawn_rounds_run_and_the_root_then_finishes(int maxRounds)
    {
        var rounds = Enumerable.Repeat(SpawnBlock(2), maxRounds).Append(Done);

        var (result, rootCalls, threads) = await Run(rounds, new AprOptions { MaxRounds = maxRounds });

        result.FailureReason.Should().BeNull();
        result.Rounds.Should().Be(maxRounds);
        result.Root.Rounds.Should().HaveCount(maxRounds);
        rootCalls.Should().Be(maxRounds + 1);
        threads.Should().Be(1 + 2 * maxRounds);
        result.Root.Text.Should().EndWith(Done);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_round_after_max_rounds_is_refused_before_any_child_starts(int maxRounds)
    {
        var rounds = Enumerable.Repeat(SpawnBlock(2), maxRounds + 1).Append(Done);

        var (result, rootCalls, threads) = await Run(rounds, new AprOptions { MaxRounds = maxRounds });

        result.FailureReason.Should().Contain($"more than {maxRounds} spawn rounds");
        result.Root.Status.Should().Be(ThreadStatus.Failed);
        result.Rounds.Should().Be(maxRounds);
        rootCalls.Should().Be(maxRounds + 1);
        threads.Should().Be(1 + 2 * maxRounds, "the refused round started no child");
    }

    [Fact]
    public async Task Zero_max_rounds_refuses_the_first_spawn()
    {
        var (result, _, threads) = await Run([SpawnBlock(1)], new AprOptions { MaxRounds = 0 });
        result.FailureReason.Should().Contain("more than 0 spawn rounds");
        threads.Should().Be(1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task A_spawn_of_exactly_the_fan_out_runs_and_one_more_is_refused(int fanOut)
    {
        var budget = new ThreadBudget { MaxFanOut = fanOut };

        var (exact, _, exactThreads) = await Run([SpawnBlock(fanOut), Done], new AprOptions(), budget);
        exact.FailureReason.Should().BeNull();
        exactThreads.Should().Be(1 + fanOut);

        var (over, _, overThreads) = await Run([SpawnBlock(fanOut + 1), Done], new AprOptions(), budget);
        over.FailureReason.Should().Contain($"{fanOut + 1} children").And.Contain($"allows {fanOut}");
        overThreads.Should().Be(1);
    }

    [Fact]
    public async Task Rounds_stop_at_the_run_s_thread_budget_exactly()
    {
        // Root + 2 + 2 threads fit a budget of 5; the third round's two children would make 7.
        var rounds = Enumerable.Repeat(SpawnBlock(2), 3).Append(Done);

        var (result, _, threads) = await Run(rounds, new AprOptions(), new ThreadBudget { MaxThreads = 5 });

        result.Rounds.Should().Be(2);
        result.FailureReason.Should().Contain("7 threads").And.Contain("allows 5");
        threads.Should().Be(5);
    }
}
