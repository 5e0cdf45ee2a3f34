namespace Reasoning.Search;

/// <summary>
/// A*-decoding (Chatziveroglou, arXiv 2505.13672): best-first search over partial solutions on f = g + h, with
/// h = 1 − the state's aggregated PRM score (<see cref="Aggregation"/>; the last step's score by default, the paper's
/// r(s)) and g = <see cref="StepCost"/> × depth. Expanding a state forks <see cref="Children"/> threads from it that
/// decode one step each in the same engine steps (sharing the prefix's KV pages), scores them in one reward-model
/// call and pushes them; a popped goal state ends the search. When a budget stops it first, it returns the best goal
/// generated, else the open state that would have been popped next.
/// </summary>
/// <remarks>
/// Why g = λ × depth with λ = 0 by default: the paper leaves g open, and h = 1 − score is not a cost to go that shrinks
/// as a path nears its answer (a right step scores as high at depth 3 as at depth 30). Any positive per-step cost then
/// makes a path lose to every shallower state its PRM scores alike, and a PRM with flat scores (a verifier giving
/// every right step 1) turns the search breadth-first, which no budget survives on traces of dozens of steps. So by
/// default g adds nothing and states of equal f leave deepest-first (<see cref="DeeperFirstOnTies"/>): the search
/// follows a path while the PRM scores it as high as any alternative and backs up to the best other state when its
/// score drops. λ &gt; 0 (in the units of h: λ = 0.01 makes 100 steps cost one certainly-wrong step) trades depth for
/// score where the PRM's scores fall gradually along wrong paths.
/// </remarks>
public sealed class AStarSearch : ISearchMethod
{
    /// <summary>A* with <paramref name="children"/> children per expansion.</summary>
    /// <param name="children">Children sampled per expansion (k).</param>
    /// <param name="stepCost">g's cost of one step (λ).</param>
    /// <param name="aggregation">How a path's step scores make the score h is taken from.</param>
    /// <param name="maxOpen">Most open states kept (null: a quarter of the engine's KV pages); see <see cref="MaxOpen"/>.</param>
    /// <param name="deeperFirstOnTies">States of equal f leave last-pushed first (the latest expansion's children: the
    /// deeper path) instead of first-pushed first.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="children"/> or <paramref name="maxOpen"/> is below 1, or the step cost is negative.</exception>
    public AStarSearch(int children = 4, double stepCost = 0, StepAggregation aggregation = StepAggregation.Last, int? maxOpen = null,
        bool deeperFirstOnTies = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(children, 1);
        if (!(stepCost >= 0) || double.IsInfinity(stepCost))
            throw new ArgumentOutOfRangeException(nameof(stepCost), stepCost, "the step cost must be a finite number ≥ 0.");
        if (maxOpen is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxOpen), maxOpen, "at least one open state must be kept.");
        Children = children;
        StepCost = stepCost;
        Aggregation = aggregation;
        MaxOpen = maxOpen;
        DeeperFirstOnTies = deeperFirstOnTies;
    }

    /// <summary>Children sampled per expansion (k).</summary>
    public int Children { get; }
    /// <summary>States of equal f leave last-pushed first (deeper first).</summary>
    public bool DeeperFirstOnTies { get; }
    /// <summary>g's cost of one step (λ).</summary>
    public double StepCost { get; }
    /// <summary>How a path's step scores make the score h is taken from.</summary>
    public StepAggregation Aggregation { get; }

    /// <summary>
    /// Most open states kept (null: <see cref="OpenStatesFor"/> the engine's KV pages). Every open state holds a thread
    /// and its own KV pages (at least the page its first token was written to), so a long search fills the KV cache —
    /// a 32k-token search on the shipped Countdown model opens over a thousand states, more than a 1 GiB cache holds;
    /// past this bound the states of greatest f are pruned after each expansion and their pages freed.
    /// </summary>
    public int? MaxOpen { get; }

    /// <summary>The default bound on open states for an engine with <paramref name="kvPages"/> KV pages: a quarter of them (at least 16).</summary>
    public static int OpenStatesFor(int kvPages) => Math.Max(16, kvPages / 4);

    /// <inheritdoc />
    public string Name => $"astar@{Children}";

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default)
    {
        using var session = new SearchSession(Name, problem, budget, Aggregation);
        await session.StartAsync(cancellationToken).ConfigureAwait(false);
        SearchStopReason? budgetStop = null;

        async Task<IReadOnlyList<Successor<StateNode>>?> Expand(StateNode state, double g, CancellationToken ct)
        {
            var (count, stepTokens, stop) = session.Fit([state], Children, scored: true);
            if (stop is not null)
            {
                budgetStop = stop;
                return null;
            }
            var children = await session.ExtendAsync([(state, count)], stepTokens, ct).ConfigureAwait(false);
            await session.ScoreAsync(children, ct).ConfigureAwait(false);
            var successors = new List<Successor<StateNode>>();
            foreach (var child in children)
            {
                child.G = g + StepCost;
                if (child.Terminal && !child.IsGoal)
                    session.Release(child, "dead end: the path ended without a goal");
                else
                    successors.Add(new Successor<StateNode>(child, StepCost, child.H, child.IsGoal));
            }
            return successors;
        }

        var outcome = await BestFirstSearch.RunAsync(session.Root, 0, false, Expand, _ => true, cancellationToken,
            MaxOpen ?? OpenStatesFor(problem.Root.Run.Engine.Pool.PageCount), state => session.Prune(state), DeeperFirstOnTies).ConfigureAwait(false);
        StateNode chosen;
        SearchStopReason reason;
        if (outcome.Stop == BestFirstStop.Goal)
            (chosen, reason) = (outcome.Goal!, SearchStopReason.Goal);
        else
        {
            reason = outcome.Stop == BestFirstStop.Exhausted ? SearchStopReason.Exhausted : budgetStop ?? SearchStopReason.TokenBudget;
            chosen = outcome.Open.Where(o => o.IsGoal).Select(o => o.State).FirstOrDefault()
                ?? outcome.Open.Where(o => o.State != session.Root).Select(o => o.State).FirstOrDefault()
                ?? SearchSession.Best(session.Nodes.Where(n => n != session.Root))
                ?? session.Root;
        }
        return session.Result(chosen, reason);
    }
}
