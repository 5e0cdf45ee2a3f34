using System.Diagnostics;
using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Search;

/// <summary>A state of a running search: its step, its scores and (while it may still be extended) its thread.</summary>
internal sealed class StateNode
{
    public required int Id { get; init; }
    public StateNode? Parent { get; init; }
    public int Depth { get; init; }
    public string StepText { get; set; } = "";
    public int StepTokens { get; set; }
    public StepEnd End { get; set; }
    public ReasoningThread? Thread { get; set; }
    public double? Score { get; set; }
    public double? Aggregate { get; set; }
    public double G { get; set; }
    public double H { get; set; }
    public bool Expanded { get; set; }
    public bool Pruned { get; set; }
    public bool IsGoal { get; set; }

    /// <summary>The path cannot go on: an end-of-sequence token or the thread's limits ended its last step.</summary>
    public bool Terminal => End is StepEnd.EndOfSequence or StepEnd.ThreadLimit;

    /// <summary>The steps from the root to here, in order.</summary>
    public IReadOnlyList<string> Steps()
    {
        var steps = new string[Depth];
        for (var n = this; n.Parent is not null; n = n.Parent)
            steps[n.Depth - 1] = n.StepText;
        return steps;
    }

    public string GeneratedText => string.Concat(Steps());
}

/// <summary>
/// The thread plumbing every search method shares: extends states by one step as forked threads that generate in the
/// same engine steps, scores states with the reward model in one batch, keeps the budgets' counts, records the tree,
/// and releases every thread it created (the root stays the caller's).
/// </summary>
internal sealed class SearchSession : IDisposable
{
    private readonly List<StateNode> _nodes = [];
    private readonly long _start = Stopwatch.GetTimestamp();

    public SearchSession(string method, SearchProblem problem, SearchBudget budget, StepAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(budget);
        budget.Validate();
        if (problem.Root.EndMilliseconds is not null)
            throw new InvalidOperationException($"the root thread {problem.Root.Id} has ended; a search needs a live root holding the prompt.");
        Method = method;
        Problem = problem;
        Budget = budget;
        Aggregation = aggregation;
        Root = new StateNode { Id = 0, Thread = problem.Root };
        _nodes.Add(Root);
    }

    public string Method { get; }
    public SearchProblem Problem { get; }
    public SearchBudget Budget { get; }
    public StepAggregation Aggregation { get; }
    public StateNode Root { get; }
    public IReadOnlyList<StateNode> Nodes => _nodes;
    public long Tokens { get; private set; }
    public int PrmCalls { get; private set; }
    public int PrmBatches { get; private set; }
    public int Expansions { get; private set; }

    /// <summary>Computes the prompt, so every fork shares its KV pages instead of computing it again.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Problem.Root.PrefillAsync(cancellationToken);

    /// <summary>
    /// How many of <paramref name="wanted"/> new states, children of <paramref name="parents"/>, fit the budgets now
    /// (scored ones count against the reward model's budget), the tokens each may generate (an equal share of what is
    /// left, at most a step's bound), and the bound that stopped it when none fits.
    /// </summary>
    public (int Children, int StepTokens, SearchStopReason? Stop) Fit(IReadOnlyCollection<StateNode> parents, int wanted, bool scored)
    {
        if (Budget.MaxWallTime is { } wall && Stopwatch.GetElapsedTime(_start) >= wall)
            return (0, 0, SearchStopReason.WallTime);
        if (Expansions + parents.Count > Budget.MaxExpansions)
            return (0, 0, SearchStopReason.ExpansionBudget);
        int n = wanted;
        if (scored && Budget.MaxPrmCalls - PrmCalls < n)
        {
            n = Budget.MaxPrmCalls - PrmCalls;
            if (n < 1)
                return (0, 0, SearchStopReason.PrmBudget);
        }
        // A parent other than the root hands its thread to its last child; every other child is a new thread. The run's
        // thread bound is the caller's sizing of the search, so running short of it stops the search rather than
        // thinning the expansions.
        var run = Problem.Root.Run;
        int reused = parents.Count(p => p != Root);
        if (run.Budget.MaxThreads - run.Threads.Count < n - reused)
            return (0, 0, SearchStopReason.ThreadBudget);
        long tokensLeft = Budget.MaxTotalTokens - Tokens;
        if (tokensLeft < n)
        {
            n = (int)Math.Max(0, tokensLeft);
            if (n < 1)
                return (0, 0, SearchStopReason.TokenBudget);
        }
        return (n, (int)Math.Min(Budget.MaxStepTokens, tokensLeft / n), null);
    }

    /// <summary>Deals <paramref name="children"/> out over <paramref name="parents"/> in turn, the first parents first.</summary>
    public static List<(StateNode Parent, int Count)> Deal(IReadOnlyList<StateNode> parents, int children)
    {
        var counts = new int[parents.Count];
        for (int i = 0; i < children; i++)
            counts[i % parents.Count]++;
        return [.. parents.Select((p, i) => (p, counts[i])).Where(x => x.Item2 > 0)];
    }

    /// <summary>
    /// Extends each parent by its count of children, one step each, all generating together; the parents become
    /// expanded and give their threads up (a parent's thread carries its last child, the others are forks of it, so
    /// the prefix's KV pages are shared, never recomputed).
    /// </summary>
    public async Task<IReadOnlyList<StateNode>> ExtendAsync(IReadOnlyList<(StateNode Parent, int Count)> plan, int stepTokens, CancellationToken cancellationToken)
    {
        var children = new List<StateNode>();
        foreach (var (parent, count) in plan)
        {
            if (count < 1)
                continue;
            var thread = parent.Thread ?? throw new InvalidOperationException($"state {parent.Id} has no thread left to extend.");
            bool keepsThread = parent != Root;
            for (int i = 0; i < count; i++)
            {
                var child = new StateNode { Id = _nodes.Count, Parent = parent, Depth = parent.Depth + 1 };
                _nodes.Add(child);
                child.Thread = keepsThread && i == count - 1 ? thread : thread.Fork($"s{child.Id}");
                children.Add(child);
            }
            if (keepsThread)
                parent.Thread = null;
            parent.Expanded = true;
            Expansions++;
        }

        var options = new ThreadGenerationOptions
        {
            MaxTokens = stepTokens,
            StopStrings = Problem.Splitter.StopStrings,
            Temperature = Problem.Sampling.Temperature,
            TopP = Problem.Sampling.TopP,
            Seed = Problem.Sampling.Seed,
        };
        Task<ThreadGeneration>[] running;
        using (Problem.Root.Run.HoldSubmissions())
            // A thread draws from a stream seeded per call; a parent's thread carries its last child on, so the seed
            // mixes in the state's id, or every step of that thread would reuse the same draws.
            running = [.. children.Select(c => c.Thread!.GenerateAsync(options with { Seed = options.Seed + (ulong)c.Id * 0xD1B54A32D192ED03UL }, cancellationToken))];
        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            // Count what was generated even when a sibling failed, so the totals stay true.
            for (int i = 0; i < children.Count; i++)
                if (running[i].IsCompletedSuccessfully)
                    Record(children[i], running[i].Result);
        }
        return children;
    }

    private void Record(StateNode node, ThreadGeneration generation)
    {
        node.StepText = generation.Text;
        node.StepTokens = generation.Tokens;
        Tokens += generation.Tokens;
        node.End = generation.StopString is not null ? StepEnd.StopString
            : generation.Finish == FinishReason.Stop ? StepEnd.EndOfSequence
            : generation.ContextFull || generation.BudgetExhausted ? StepEnd.ThreadLimit
            : StepEnd.Length;
        node.IsGoal = (node.End == StepEnd.EndOfSequence && Problem.EndOfSequenceIsGoal)
            || (Problem.IsGoal?.Invoke(node.GeneratedText) ?? false);
    }

    /// <summary>Scores <paramref name="nodes"/> in one call of the reward model and sets their scores and h.</summary>
    public async Task ScoreAsync(IReadOnlyList<StateNode> nodes, CancellationToken cancellationToken)
    {
        if (nodes.Count == 0)
            return;
        var solutions = nodes.Select(n => new PartialSolution(Problem.PromptText, n.Steps())).ToList();
        PrmBatches++;
        PrmCalls += nodes.Count;
        var scores = ProcessRewards.Validate(solutions, await Problem.Reward.ScoreStepsAsync(solutions, cancellationToken).ConfigureAwait(false));
        for (int i = 0; i < nodes.Count; i++)
        {
            nodes[i].Score = scores[i][^1];
            nodes[i].Aggregate = StepScores.Aggregate(scores[i], Aggregation);
            nodes[i].H = 1 - nodes[i].Aggregate!.Value;
        }
    }

    /// <summary>Ends a state's thread (never the root's) and frees its pages.</summary>
    public void Release(StateNode node, string reason = "search closed the state")
    {
        if (node == Root || node.Thread is null)
            return;
        node.Thread.End(ThreadStatus.Finished, reason);
        node.Thread = null;
    }

    /// <summary>Drops a state the method will not extend.</summary>
    public void Prune(StateNode node)
    {
        node.Pruned = true;
        Release(node, "pruned by the search");
    }

    /// <summary>The result, choosing <paramref name="chosen"/>.</summary>
    public SearchResult Result(StateNode chosen, SearchStopReason stop)
    {
        var path = new List<SearchStep>();
        for (var n = chosen; n.Parent is not null; n = n.Parent)
            path.Add(new SearchStep(n.Id, n.StepText, n.StepTokens, n.Score));
        path.Reverse();
        return new SearchResult
        {
            Method = Method,
            StopReason = stop,
            ReachedGoal = chosen.IsGoal,
            ChosenId = chosen.Id,
            Path = path,
            Score = chosen.Aggregate,
            TokensGenerated = Tokens,
            PrmCalls = PrmCalls,
            PrmBatches = PrmBatches,
            Expansions = Expansions,
            WallMilliseconds = Stopwatch.GetElapsedTime(_start).TotalMilliseconds,
            Tree = [.. _nodes.Select(n => new SearchTreeNode(n.Id, n.Parent?.Id, n.Depth, n.StepText, n.StepTokens, n.End,
                n.Score, n.Aggregate, n.G, n.H, n.Expanded, n.Pruned, n.IsGoal))],
        };
    }

    /// <summary>The best of <paramref name="nodes"/>: goals first, then the highest aggregate score, then the deepest.</summary>
    public static StateNode? Best(IEnumerable<StateNode> nodes) => nodes
        .OrderByDescending(n => n.IsGoal)
        .ThenByDescending(n => n.Aggregate ?? double.NegativeInfinity)
        .ThenByDescending(n => n.Depth)
        .ThenBy(n => n.Id)
        .FirstOrDefault();

    /// <summary>Releases every thread the search still holds.</summary>
    public void Dispose()
    {
        foreach (var n in _nodes)
            Release(n, "search ended");
    }
}
