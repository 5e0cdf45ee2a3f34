namespace Reasoning.Search;

/// <summary>
/// Step-level beam search (as in Snell et al., 2024, "Scaling LLM test-time compute"): keeps the
/// <see cref="Width"/> best partial solutions; each round extends every beam by <see cref="Children"/> one-step
/// children (all decoding in the same engine steps), scores them in one reward-model call and keeps the best
/// <see cref="Width"/> by aggregate score. A path that reaches a goal leaves the beam and takes one of its slots; the
/// search ends when every slot holds a finished path, no beam is left, or a budget stops it. It returns the best goal
/// reached, else the best state (highest aggregate score, then the deepest).
/// </summary>
public sealed class BeamSearch : ISearchMethod
{
    /// <summary>A beam of <paramref name="width"/> with <paramref name="children"/> children per beam and round.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The width or the children are below 1.</exception>
    public BeamSearch(int width = 4, int children = 4, StepAggregation aggregation = StepAggregation.Last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(children, 1);
        Width = width;
        Children = children;
        Aggregation = aggregation;
    }

    /// <summary>Beams kept per round (W).</summary>
    public int Width { get; }
    /// <summary>Children per beam and round (k).</summary>
    public int Children { get; }
    /// <summary>How a path's step scores make the score beams are ranked by.</summary>
    public StepAggregation Aggregation { get; }

    /// <inheritdoc />
    public string Name => $"beam@{Width}";

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default)
    {
        using var session = new SearchSession(Name, problem, budget, Aggregation);
        await session.StartAsync(cancellationToken).ConfigureAwait(false);
        var goals = new List<StateNode>();
        List<StateNode> beams = [session.Root];
        SearchStopReason reason;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int slots = Width - goals.Count;
            if (slots <= 0 || beams.Count == 0)
            {
                reason = goals.Count > 0 ? SearchStopReason.Goal : SearchStopReason.Exhausted;
                break;
            }
            // The root is one beam whose children fill the first beam's width.
            int wanted = beams.Count == 1 && beams[0] == session.Root ? Math.Max(Children, slots) : beams.Count * Children;
            var (count, stepTokens, stop) = session.Fit(beams, wanted, scored: true);
            if (stop is { } s)
            {
                reason = s;
                break;
            }
            var children = await session.ExtendAsync(SearchSession.Deal(beams, count), stepTokens, cancellationToken).ConfigureAwait(false);
            await session.ScoreAsync(children, cancellationToken).ConfigureAwait(false);
            foreach (var b in beams.Where(b => !b.Expanded))
                session.Prune(b);

            var candidates = new List<StateNode>();
            foreach (var child in children)
            {
                if (child.IsGoal)
                {
                    goals.Add(child);
                    session.Release(child, "finished path");
                }
                else if (child.Terminal)
                    session.Release(child, "dead end: the path ended without a goal");
                else
                    candidates.Add(child);
            }
            var ranked = candidates.OrderByDescending(c => c.Aggregate).ThenBy(c => c.Id).ToList();
            int keep = Math.Max(0, Width - goals.Count);
            beams = ranked.Take(keep).ToList();
            foreach (var pruned in ranked.Skip(keep))
                session.Prune(pruned);
        }
        var chosen = SearchSession.Best(goals) ?? SearchSession.Best(beams) ?? SearchSession.Best(session.Nodes.Where(n => n != session.Root)) ?? session.Root;
        return session.Result(chosen, reason);
    }
}
