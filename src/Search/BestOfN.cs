namespace Reasoning.Search;

/// <summary>Best-of-N: score N candidates and keep the highest (ties: the earliest).</summary>
public static class BestOfN
{
    /// <summary>The index of the highest score (ties: the earliest), or −1 for no scores.</summary>
    /// <exception cref="InvalidScoreException">A score is NaN.</exception>
    public static int ArgMax(IReadOnlyList<double> scores)
    {
        int best = -1;
        for (int i = 0; i < scores.Count; i++)
        {
            if (double.IsNaN(scores[i]))
                throw new InvalidScoreException($"candidate {i} scored NaN; a scorer must give every candidate a number.");
            if (best < 0 || scores[i] > scores[best])
                best = i;
        }
        return best;
    }

    /// <summary>Scores <paramref name="candidates"/> with <paramref name="scorer"/> and returns the best's index and every score.</summary>
    /// <exception cref="InvalidScoreException">The scorer returned a different number of scores, or a NaN.</exception>
    public static async Task<(int Best, IReadOnlyList<double> Scores)> SelectAsync<T>(IReadOnlyList<T> candidates, IScorer<T> scorer, CancellationToken cancellationToken = default)
    {
        var scores = await scorer.ScoreAsync(candidates, cancellationToken).ConfigureAwait(false);
        if (scores.Count != candidates.Count)
            throw new InvalidScoreException($"the scorer returned {scores.Count} scores for {candidates.Count} candidates; it must return one per candidate.");
        return (ArgMax(scores), scores);
    }
}
