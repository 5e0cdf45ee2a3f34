using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Orchestrator.Apr;
using Reasoning.Orchestrator.Baselines;
using Reasoning.Orchestrator.Tests.Legacy;
using Reasoning.Search;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>
/// The protocols as policies on the runner against their previous hand-written implementations (tests/Legacy, kept
/// verbatim): the same sampled tokens, texts, statuses, reasons, tree and structural events, run after run.
/// </summary>
public sealed class EquivalenceTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    private sealed class HeaderTask : IReasoningTask
    {
        public string BuildChildContext(string parentTrace, AprChildCall call) =>
            call.Node == "9,9" ? throw new AprProtocolException("node #9,9 is not defined by the parent") : call.Header + "\n";

        public string Prompt(PromptStyle style) => style == PromptStyle.Parallel ? "Current State: 98:[44, 19, 35, 73], Operations: []\n" : "The answer is: ";

        public string? AnswerOf(string trace) => trace.Length > Prompt(PromptStyle.Serial).Length ? (trace[^1] % 3).ToString() : null;

        public bool Verify(string trace) => trace.Contains('e');
    }

    /// <summary>Runs <paramref name="legacy"/> and <paramref name="current"/> on fresh runs of the same engine; returns both trees and event lists.</summary>
    private async Task<(string Tree, IReadOnlyList<string> Events)[]> Both(ThreadBudget budget, Func<ThreadRun, Task<ReasoningThread>> legacy, Func<ThreadRun, Task<ReasoningThread>> current)
    {
        int free = _engine.Pool.FreeCount;
        var results = new List<(string, IReadOnlyList<string>)>();
        foreach (var go in new[] { legacy, current })
        {
            var run = new ThreadRun(_engine, new ByteCodec(), budget);
            var root = await go(run);
            string tree = TreeComparison.Timeless(root);
            results.Add((tree, await TreeComparison.StructuralEvents(run)));
        }
        _engine.Pool.FreeCount.Should().Be(free);
        return [.. results];
    }

    private static void Same((string Tree, IReadOnlyList<string> Events)[] r)
    {
        r[1].Tree.Should().Be(r[0].Tree);
        r[1].Events.Should().Equal(r[0].Events);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0UL, 24, 4096)]
    [InlineData(7UL, 40, 4096)]
    [InlineData(3UL, 1000, 30)]   // the thread's budget ends it: failed, "ran out of tokens"
    public async Task Serial_runs_give_the_same_trace_as_before(ulong seed, int maxTokens, int perThread)
    {
        var options = new ThreadGenerationOptions { MaxTokens = maxTokens, Temperature = 1, Seed = seed, StopStrings = ["\n\n"] };
        var r = await Both(new ThreadBudget { MaxTokensPerThread = perThread },
            run => LegacySerialProtocol.RunAsync(run, "Once upon a time", options),
            run => SerialProtocol.RunAsync(run, "Once upon a time", options));

        Same(r);
        r[0].Tree.Should().Contain("\"generated_tokens\":");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(5, true, 11UL)]
    [InlineData(4, false, 3UL)]
    [InlineData(1, true, 0UL)]
    public async Task Consensus_runs_give_the_same_traces_votes_and_choice_as_before(int n, bool majority, ulong seed)
    {
        var options = new ThreadGenerationOptions { MaxTokens = 8, Temperature = 1, Seed = seed };
        const string prompt = "The answer is: ";
        Func<string, string?> answerOf = text => text.Length > prompt.Length ? (text[prompt.Length] % 3).ToString() : null;
        Func<string, bool> verify = text => text.Contains('e');
        (IReadOnlyList<string?> Answers, int Chosen)? before = null, after = null;

        var r = await Both(new ThreadBudget(),
            async run =>
            {
                var c = await LegacyConsensusProtocol.RunAsync(run, prompt, n, majority, options, answerOf, verify);
                before = (c.Answers, c.Chosen);
                return run.Root!;
            },
            async run =>
            {
                var c = await ConsensusProtocol.RunAsync(run, prompt, n, majority ? ConsensusMode.Majority : ConsensusMode.AnyCorrect, options, answerOf, verify);
                after = (c.Answers, c.Chosen);
                return run.Root!;
            });

        Same(r);
        after!.Value.Answers.Should().Equal(before!.Value.Answers);
        after.Value.Chosen.Should().Be(before.Value.Chosen);
    }

    private static AprProtocol.Generate Recorded(Queue<string> rootRounds, Dictionary<string, string> children) => (thread, options, ct) =>
    {
        string text = thread.Parent is null ? rootRounds.Dequeue() : children[thread.Text.Split('\n')[0].Replace("Moving to Node #", "")];
        thread.Append(text);
        string? stop = options.StopStrings.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal));
        return Task.FromResult(new ThreadGeneration(text, text.Length, text.StartsWith("no protocol") ? FinishReason.Length : FinishReason.Stop, stop,
            stop is null ? -1 : text.IndexOf(stop, StringComparison.Ordinal), false));
    };

    private static string SpawnBlock(params string[] nodes) =>
        "<Calling Sub Searches>\n" + string.Concat(nodes.Select((n, i) => $"<Start Sub Search {i} at level 1> Moving to Node #{n}\n")) + "<End Calling Sub Searches>\n";

    public static TheoryData<string[], int, int, int, string?> AprScripts => new()
    {
        // two rounds, then the goal
        { ["Moving to Node #0\n" + SpawnBlock("0,0", "0,1"), "after one\n" + SpawnBlock("0,2"), "98,98 equal: Goal Reached\n"], 4096, 8, 16, null },
        // the round limit
        { ["a\n" + SpawnBlock("0,0"), "b\n" + SpawnBlock("0,1"), "c\n" + SpawnBlock("0,2")], 4096, 2, 16, "more than 2 spawn rounds" },
        // malformed: an undefined node, then a bad start line
        { ["a\n" + SpawnBlock("9,9")], 4096, 8, 16, "node #9,9 is not defined" },
        { ["<Calling Sub Searches>\n<Start Sub Search 0 at levl 1> Moving to Node #0,0\n<End Calling Sub Searches>\n"], 4096, 8, 16, "malformed spawn block" },
        // fan-out past the budget
        { ["a\n" + SpawnBlock("0,0", "0,1", "0,2")], 4096, 8, 2, "asked for 3 children" },
        // the join block does not fit the root's window
        { ["a\n" + SpawnBlock("0,0", "0,1")], 330, 8, 16, "join block does not fit" },
        // the root runs out without writing the protocol
        { ["no protocol here"], 4096, 8, 16, "ran out of tokens" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(AprScripts))]
    public async Task Apr_runs_on_recorded_traces_give_the_same_tree_and_events_as_before(string[] rootRounds, int window, int maxRounds, int fanOut, string? reason)
    {
        var children = new Dictionary<string, string>
        {
            ["0,0"] = "63,98 unequal: No Solution\n",
            ["0,1"] = "98,98 equal: Goal Reached\n" + string.Concat(Enumerable.Repeat("Moving to Node #0,1,0\n", 10)) + "98,98 equal: Goal Reached\n",
            ["0,2"] = "98,98 equal: Goal Reached\nMoving to Node #0\n98,98 equal: Goal Reached\n",
        };
        const string prompt = "Current State: 98:[44, 19, 35, 73], Operations: []\n";
        var options = new AprOptions { MaxRounds = maxRounds };
        (int, string?)? before = null, after = null;

        var r = await Both(new ThreadBudget { ContextWindow = window, MaxFanOut = fanOut },
            async run =>
            {
                var a = await LegacyAprProtocol.RunAsync(run, prompt, new HeaderTask(), options, Recorded(new(rootRounds), children), default);
                before = (a.Rounds, a.FailureReason);
                return a.Root;
            },
            async run =>
            {
                var a = await AprProtocol.RunAsync(run, prompt, new HeaderTask(), options, Recorded(new(rootRounds), children), default);
                after = (a.Rounds, a.FailureReason);
                return a.Root;
            });

        Same(r);
        after.Should().Be(before);
        if (reason is null)
            after!.Value.Item2.Should().BeNull();
        else
            after!.Value.Item2.Should().Contain(reason, "the script must reach the path it is written for");
    }

    [Fact(Timeout = 60_000)]
    public async Task Apr_on_the_model_gives_the_same_sampled_trace_as_before()
    {
        var options = new AprOptions { Parent = new ThreadGenerationOptions { MaxTokens = 1000, Temperature = 1, Seed = 5 } };
        var r = await Both(new ThreadBudget { MaxTokensPerThread = 40 },
            async run => (await LegacyAprProtocol.RunAsync(run, "Current State: 98:[44, 19, 35, 73], Operations: []\n", new HeaderTask(), options)).Root,
            async run => (await AprProtocol.RunAsync(run, "Current State: 98:[44, 19, 35, 73], Operations: []\n", new HeaderTask(), options)).Root);

        Same(r);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("apr")]
    [InlineData("sos")]
    [InlineData("cons@3")]
    [InlineData("pass@3")]
    public async Task Strategies_from_the_registry_run_the_same_protocols_as_before(string name)
    {
        var task = new HeaderTask();
        var generation = new ThreadGenerationOptions { MaxTokens = 12, Temperature = 1, Seed = 21 };
        var strategy = StrategyRegistry.Default.Resolve(name);
        (string? Trace, string? Failure)? before = null, after = null;

        var r = await Both(new ThreadBudget(),
            async run =>
            {
                switch (name)
                {
                    case "apr":
                        var a = await LegacyAprProtocol.RunAsync(run, task.Prompt(PromptStyle.Parallel), task, new AprOptions { Parent = generation, Child = generation });
                        before = (a.Root.Text, a.FailureReason);
                        return a.Root;
                    case "sos":
                        var s = await LegacySerialProtocol.RunAsync(run, task.Prompt(PromptStyle.Serial), generation);
                        before = (s.Text, s.EndReason);
                        return s;
                    default:
                        var c = await LegacyConsensusProtocol.RunAsync(run, task.Prompt(PromptStyle.Serial), 3, name.StartsWith("cons"), generation, task.AnswerOf, task.Verify);
                        before = c.Chosen >= 0 ? (c.Traces[c.Chosen].Text, null) : (null, "no trace stated a solution");
                        return run.Root!;
                }
            },
            async run =>
            {
                var result = await strategy.RunAsync(run, task, new StrategyOptions { Generation = generation });
                after = (result.Trace, result.FailureReason);
                return result.Root;
            });

        strategy.Name.Should().Be(name);
        Same(r);
        after.Should().Be(before);
    }
}
