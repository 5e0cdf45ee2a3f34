namespace Reasoning.Search;

/// <summary>
/// Best-of-N on the search interface: N samples decode step by step from the root (every sample's step in the same
/// engine steps, cut by the same stop strings as every other method, so the reward model sees the same steps), each
/// until a goal, the end of its path, or the budget; then one reward-model call scores the N final states and the best
/// aggregate wins (or, with an <see cref="OutcomeScorer"/>, its score on each sample's generated text). The samples
/// share the token budget: each round gives every unfinished sample an equal share of what is left.
/// </summary>
public sealed class BestOfNSearch : ISearchMethod
{
    /// <summary>Best-of-<paramref name="samples"/>.</summary>
    /// <param name="samples">N.</param>
    /// <param name="aggregation">How a sample's step scores make its score (PRM-weighted selection).</param>
    /// <param name="outcomeScorer">Scores whole generated texts instead of the reward model (an ORM or a verifier).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is below 1.</exception>
    public BestOfNSearch(int samples = 8, StepAggregation aggregation = StepAggregation.Last, IScorer<string>? outcomeScorer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        Samples = samples;
        Aggregation = aggregation;
        OutcomeScorer = outcomeScorer;
    }

    /// <summary>Samples (N).</summary>
    public int Samples { get; }
    /// <summary>How a sample's step scores make its score.</summary>
    public StepAggregation Aggregation { get; }
    /// <summary>Scores whole generated texts instead of the reward model (null: the reward model).</summary>
    public IScorer<string>? OutcomeScorer { get; }

    /// <inheritdoc />
    public string Name => $"bon@{Samples}";

    /// <inheritdoc />
    public async Task<SearchResult> SearchAsync(SearchProblem problem, SearchBudget budget, CancellationToken cancellationToken = default)
    {
        using var session = new SearchSession(Name, problem, budget, Aggregation);
        await session.StartAsync(cancellationToken).ConfigureAwait(false);
        // The reward model scores each sample once, at its end: N cannot exceed its budget.
        int n = OutcomeScorer is null ? Math.Min(Samples, budget.MaxPrmCalls) : Samples;
        var (samples, reason) = await SampleAsync(session, n, cancellationToken).ConfigureAwait(false);
        if (samples.Count == 0)
            return session.Result(session.Root, reason);

        IReadOnlyList<double> scores;
        if (OutcomeScorer is null)
        {
            await session.ScoreAsync(samples, cancellationToken).ConfigureAwait(false);
            scores = [.. samples.Select(s => s.Aggregate!.Value)];
        }
        else
        {
            var texts = samples.Select(s => s.GeneratedText).ToList();
            (_, scores) = await BestOfN.SelectAsync(texts, OutcomeScorer, cancellationToken).ConfigureAwait(false);
        }
        // A goal beats any sample that is not one; among equals the score decides (ties: the earliest sample).
        int best = -1;
        for (int i = 0; i < samples.Count; i++)
            if (best < 0 || (samples[i].IsGoal && !samples[best].IsGoal)
                || (samples[i].IsGoal == samples[best].IsGoal && scores[i] > scores[best]))
                best = i;
        if (double.IsNaN(scores[best]))
            throw new InvalidScoreException($"sample {best} scored NaN; a scorer must give every sample a number.");
        return session.Result(samples[best], reason);
    }

    /// <summary>
    /// Decodes <paramref name="n"/> samples step by step from the root, in rounds (one step of every unfinished sample
    /// per round), until each reaches a goal or the end of its path, or a budget stops the rounds. Returns the samples'
    /// last states and why it stopped (<see cref="SearchStopReason.Goal"/> when every sample finished).
    /// </summary>
    internal static async Task<(List<StateNode> Samples, SearchStopReason Reason)> SampleAsync(SearchSession session, int n, CancellationToken cancellationToken)
    {
        var (count, stepTokens, stop) = session.Fit([session.Root], n, scored: false);
        if (stop is { } first)
            return ([], first);
        var samples = (await session.ExtendAsync([(session.Root, count)], stepTokens, cancellationToken).ConfigureAwait(false)).ToList();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var moving = Enumerable.Range(0, samples.Count).Where(i => !samples[i].IsGoal && !samples[i].Terminal).ToList();
            if (moving.Count == 0)
                return (samples, samples.Any(s => s.IsGoal) ? SearchStopReason.Goal : SearchStopReason.Exhausted);
            var parents = moving.Select(i => samples[i]).ToList();
            (count, stepTokens, stop) = session.Fit(parents, moving.Count, scored: false);
            if (stop is { } s)
                return (samples, s);
            var next = await session.ExtendAsync([.. parents.Take(count).Select(p => (p, 1))], stepTokens, cancellationToken).ConfigureAwait(false);
            for (int j = 0; j < next.Count; j++)
                samples[moving[j]] = next[j];
        }
    }
}
