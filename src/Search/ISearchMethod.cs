namespace Reasoning.Search;

/// <summary>
/// A step-level search over reasoning threads (A*-decoding, beam search, particle filtering, best-of-N): it extends
/// the problem's root thread step by step, scores the partial solutions with the problem's process reward model, and
/// returns the chosen path with the whole tree it grew. Every method obeys the same <see cref="SearchBudget"/> and
/// releases every thread it created (the root stays the caller's), also when cancelled or failing.
/// </summary>
public interface ISearchMethod
{
    /// <summary>A short name for records and tree views (<c>astar</c>, <c>beam@4</c>, <c>pf@8</c>, <c>bon@8</c>).</summary>
    string Name { get; }

    /// <summary>Searches <paramref name="problem"/> within <paramref name="budget"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled; the threads the search created are released first.</exception>
    /// <exception cref="InvalidScoreException">The reward model returned scores of the wrong shape or range.</exception>
    Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default);
}
