using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Reasoning.Threads;

namespace Reasoning.Search.Tests;

/// <summary>
/// A reward model scripted by the test: a step's score is a fixed function of its text, so a test recomputes every
/// score on its own. It records each call's batch and can run a hook (to look at the page pool, cancel, or fail).
/// </summary>
public sealed class ScriptedPrm : IProcessRewardModel
{
    public List<IReadOnlyList<PartialSolution>> Calls { get; } = [];
    public Func<int, IReadOnlyList<PartialSolution>, Task>? OnCall { get; init; }

    /// <summary>The score of one step: a hash of its text spread over [0, 1].</summary>
    public static double StepScore(string step)
    {
        ulong h = 1469598103934665603UL;
        foreach (char c in step)
            h = (h ^ c) * 1099511628211UL;
        return (h % 1001) / 1000.0;
    }

    public async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        int call = Calls.Count;
        Calls.Add(solutions);
        if (OnCall is not null)
            await OnCall(call, solutions);
        return [.. solutions.Select(s => (IReadOnlyList<double>)[.. s.Steps.Select(StepScore)])];
    }
}

/// <summary>An engine on the tiny fixture model with small pages, and the checks every search test shares.</summary>
public abstract class SearchTestKit : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    protected const int PageSize = 8;
    // 200 one-byte tokens: exactly 25 pages, so a state that recomputed the prompt would need 25 more pages.
    protected static readonly string Prompt = string.Concat(Enumerable.Range(0, 20).Select(i => $"Prompt {i:D2}. ")).PadRight(200, '.')[..200];
    protected const int PromptPages = 200 / PageSize;

    protected readonly InferenceEngine Engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = PageSize });
    protected readonly ByteCodec Codec = new();

    public void Dispose() => Engine.Dispose();

    protected ThreadRun NewRun(int maxThreads = 1024) =>
        new(Engine, Codec, new ThreadBudget { MaxThreads = maxThreads, MaxTotalTokens = 1_000_000 });

    /// <summary>A problem whose steps end at a byte the model rarely writes, so most steps run to the step bound.</summary>
    protected static SearchProblem Problem(ThreadRun run, IProcessRewardModel prm, Func<string, bool>? isGoal = null) =>
        new(run.CreateRoot(Prompt), new DelimiterStepSplitter("\u0001"), prm)
        {
            Prompt = "the problem",
            IsGoal = isGoal,
            EndOfSequenceIsGoal = false,
            Sampling = new SearchSampling { Temperature = 1f, Seed = 11 },
        };

    /// <summary>Every thread but the root has ended, the root holds only the prompt's pages, and ending it frees them all.</summary>
    protected void OnlyTheRootHoldsPages(ThreadRun run, int freeAtStart)
    {
        var root = run.Root!;
        run.Threads.Where(t => t != root).Should().OnlyContain(t => t.EndMilliseconds != null, "the search ends every thread it created");
        Engine.Pool.FreeCount.Should().Be(freeAtStart - PromptPages, "only the root's prompt pages are held");
        root.End(ThreadStatus.Finished);
        Engine.Pool.FreeCount.Should().Be(freeAtStart);
    }

    /// <summary>The result's tree, path and counts against the threads layer's and the scripted model's own records.</summary>
    protected static void ConsistentWithRun(SearchResult result, ThreadRun run, ScriptedPrm prm, StepAggregation aggregation)
    {
        var tree = result.Tree;
        tree.Select(n => n.Id).Should().Equal(Enumerable.Range(0, tree.Count));
        result.TokensGenerated.Should().Be(run.TotalTokens, "the threads layer counts every generated token itself");
        result.TokensGenerated.Should().Be(tree.Sum(n => (long)n.StepTokens));
        result.PrmCalls.Should().Be(prm.Calls.Sum(c => c.Count));
        result.PrmBatches.Should().Be(prm.Calls.Count);
        result.Expansions.Should().Be(tree.Count(n => n.Expanded));
        foreach (var n in tree.Where(n => n.ParentId is { } p))
        {
            n.Depth.Should().Be(tree[n.ParentId!.Value].Depth + 1);
            tree[n.ParentId.Value].Expanded.Should().BeTrue();
            if (n.Score is { } s)
            {
                s.Should().Be(ScriptedPrm.StepScore(n.StepText));
                var path = PathOf(tree, n.Id).Select(x => ScriptedPrm.StepScore(x.StepText)).ToList();
                double expected = aggregation switch
                {
                    StepAggregation.Last => path[^1],
                    StepAggregation.Min => path.Min(),
                    _ => path.Aggregate(1.0, (a, b) => a * b),
                };
                n.Aggregate.Should().BeApproximately(expected, 1e-12);
                n.H.Should().BeApproximately(1 - expected, 1e-12);
            }
        }
        var chosenPath = PathOf(tree, result.ChosenId);
        result.Path.Select(p => p.NodeId).Should().Equal(chosenPath.Select(n => n.Id));
        result.Text.Should().Be(string.Concat(chosenPath.Select(n => n.StepText)));
        result.ReachedGoal.Should().Be(tree[result.ChosenId].IsGoal);
    }

    /// <summary>The nodes from the root's child to <paramref name="id"/>.</summary>
    protected static List<SearchTreeNode> PathOf(IReadOnlyList<SearchTreeNode> tree, int id)
    {
        var path = new List<SearchTreeNode>();
        for (var n = tree[id]; n.ParentId is not null; n = tree[n.ParentId.Value])
            path.Add(n);
        path.Reverse();
        return path;
    }
}
