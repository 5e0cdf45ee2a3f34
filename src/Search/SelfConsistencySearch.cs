namespace Reasoning.Search;

/// <summary>
/// Self-consistency (cons@N) on the search interface: N samples decoded step by step as <see cref="BestOfNSearch"/>
/// decodes them (same budgets, no reward-model calls), and the sample giving the majority answer is chosen
/// (<see cref="SelfConsistency.Majority"/>: ties go to the answer whose first sample comes earliest). With no answer
/// in any sample, the first sample is returned (and <see cref="SearchResult.ReachedGoal"/> says whether it is a goal).
/// </summary>
public sealed class SelfConsistencySearch : ISearchMethod
{
    private readonly Func<string, string?> _answerOf;

    /// <summary>cons@<paramref name="samples"/>, reading each sample's answer from its generated text with <paramref name="answerOf"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is below 1.</exception>
    public SelfConsistencySearch(int samples, Func<string, string?> answerOf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        Samples = samples;
        _answerOf = answerOf ?? throw new ArgumentNullException(nameof(answerOf));
    }

    /// <summary>Samples (N).</summary>
    public int Samples { get; }

    /// <inheritdoc />
    public string Name => $"cons@{Samples}";

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default)
    {
        using var session = new SearchSession(Name, problem, budget, StepAggregation.Last);
        await session.StartAsync(cancellationToken).ConfigureAwait(false);
        var (samples, reason) = await BestOfNSearch.SampleAsync(session, Samples, cancellationToken).ConfigureAwait(false);
        if (samples.Count == 0)
            return session.Result(session.Root, reason);
        int chosen = SelfConsistency.Majority([.. samples.Select(s => _answerOf(s.GeneratedText))]);
        return session.Result(samples[Math.Max(0, chosen)], reason);
    }
}
