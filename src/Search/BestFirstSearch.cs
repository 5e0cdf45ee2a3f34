namespace Reasoning.Search;

/// <summary>A state an expansion produced, with the cost of the step to it and its estimate to go.</summary>
/// <param name="State">The new state.</param>
/// <param name="Cost">Cost of the step from its parent (its g is the parent's g plus this).</param>
/// <param name="H">Estimated cost to go.</param>
/// <param name="IsGoal">It is a goal state (tested when it is popped, as A* needs for an optimal answer).</param>
public readonly record struct Successor<TState>(TState State, double Cost, double H, bool IsGoal);

/// <summary>Why a best-first search stopped.</summary>
public enum BestFirstStop
{
    /// <summary>A goal state was popped.</summary>
    Goal,
    /// <summary>The frontier ran empty.</summary>
    Exhausted,
    /// <summary>The caller's budget check (or its expansion) refused to go on.</summary>
    Budget,
}

/// <summary>A state left open when the search stopped.</summary>
/// <param name="State">The state.</param>
/// <param name="G">Its cost so far.</param>
/// <param name="H">Its estimate to go.</param>
/// <param name="IsGoal">It is a goal state.</param>
public readonly record struct OpenState<TState>(TState State, double G, double H, bool IsGoal)
{
    /// <summary>G + H.</summary>
    public double F => G + H;
}

/// <summary>The outcome of <see cref="BestFirstSearch.RunAsync"/>.</summary>
/// <param name="Stop">Why it stopped.</param>
/// <param name="Goal">The goal popped (when <paramref name="Stop"/> is <see cref="BestFirstStop.Goal"/>).</param>
/// <param name="GoalCost">That goal's g.</param>
/// <param name="Expansions">States expanded.</param>
/// <param name="Open">The states still open, least f first (the goal popped is not among them).</param>
public sealed record BestFirstOutcome<TState>(BestFirstStop Stop, TState? Goal, double GoalCost, int Expansions, IReadOnlyList<OpenState<TState>> Open);

/// <summary>
/// The search itself, with no model: best-first search on f = g + h over any state space (A* when h never
/// overestimates the cost to go). Pops the state of least f (ties: the one pushed first, or with
/// <c>lastPushedFirst</c> the one pushed last, which goes deeper first); a popped goal ends the
/// search; otherwise the caller's budget check runs, then its expansion, whose successors are pushed with
/// g = parent's g + step cost. A* decoding runs it over threads; the tests run it over a graph.
/// </summary>
public static class BestFirstSearch
{
    /// <summary>Searches from <paramref name="start"/>.</summary>
    /// <param name="start">The first state.</param>
    /// <param name="startH">Its estimate to go.</param>
    /// <param name="startIsGoal">It is a goal already.</param>
    /// <param name="expand">Expands a state given its g; returns the successors worth keeping (a dead end returns none),
    /// or null when a budget stops the search before the state could be expanded (it then stays open).</param>
    /// <param name="mayExpand">Called with the expansions so far before each expansion; false stops the search.</param>
    /// <param name="cancellationToken">Cancels between expansions (and is passed to each).</param>
    /// <param name="maxOpen">Most open states kept (null: no bound). Past it, the states popped last (greatest f, then
    /// the order of ties) are dropped after each expansion and handed to <paramref name="dropped"/>: memory-bounded best-first
    /// search, no longer guaranteed optimal.</param>
    /// <param name="dropped">Receives each state dropped by <paramref name="maxOpen"/>.</param>
    /// <param name="lastPushedFirst">States of equal f are popped last-pushed first (the children of the latest
    /// expansion first: depth-first among ties) instead of first-pushed first (breadth-first among ties).</param>
    public static async Task<BestFirstOutcome<TState>> RunAsync<TState>(TState start, double startH, bool startIsGoal,
        Func<TState, double, CancellationToken, Task<IReadOnlyList<Successor<TState>>?>> expand,
        Func<int, bool> mayExpand, CancellationToken cancellationToken = default, int? maxOpen = null, Action<TState>? dropped = null,
        bool lastPushedFirst = false)
    {
        if (maxOpen is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxOpen), maxOpen, "at least one open state must be kept.");
        var frontier = new PriorityFrontier<OpenState<TState>>(lastPushedFirst);
        frontier.Push(new OpenState<TState>(start, 0, startH, startIsGoal), 0, startH);
        int expansions = 0;
        while (frontier.TryPop(out var best, out _))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (best.IsGoal)
                return new BestFirstOutcome<TState>(BestFirstStop.Goal, best.State, best.G, expansions, Drain(frontier));
            var successors = mayExpand(expansions) ? await expand(best.State, best.G, cancellationToken).ConfigureAwait(false) : null;
            if (successors is null)
                return new BestFirstOutcome<TState>(BestFirstStop.Budget, default, 0, expansions, [best, .. Drain(frontier)]);
            expansions++;
            foreach (var s in successors)
            {
                double g = best.G + s.Cost;
                frontier.Push(new OpenState<TState>(s.State, g, s.H, s.IsGoal), g, s.H);
            }
            if (frontier.Count > maxOpen)
            {
                // Drained in pop order and pushed back so that ties keep their order (reversed when the last pushed
                // leaves first).
                var open = Drain(frontier);
                var kept = open.Take(maxOpen.Value);
                foreach (var o in lastPushedFirst ? kept.Reverse() : kept)
                    frontier.Push(o, o.G, o.H);
                foreach (var o in open.Skip(maxOpen.Value))
                    dropped?.Invoke(o.State);
            }
        }
        return new BestFirstOutcome<TState>(BestFirstStop.Exhausted, default, 0, expansions, []);
    }

    private static List<OpenState<TState>> Drain<TState>(PriorityFrontier<OpenState<TState>> frontier)
    {
        var open = new List<OpenState<TState>>(frontier.Count);
        while (frontier.TryPop(out var s, out _))
            open.Add(s);
        return open;
    }
}
