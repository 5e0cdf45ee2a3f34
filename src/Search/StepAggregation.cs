namespace Reasoning.Search;

/// <summary>How a path's step scores make one score (the PRM papers leave it to the caller).</summary>
public enum StepAggregation
{
    /// <summary>The last step's score: a model PRM reads every earlier step when it scores the last one.</summary>
    Last,
    /// <summary>The lowest step score: one bad step spoils the path (suits a verifier PRM).</summary>
    Min,
    /// <summary>The product of the step scores: each step's score read as the probability it is right.</summary>
    Product,
}

/// <summary>Aggregating step scores.</summary>
public static class StepScores
{
    /// <summary>The aggregate of <paramref name="scores"/> by <paramref name="mode"/>.</summary>
    /// <exception cref="ArgumentException">There are no scores.</exception>
    public static double Aggregate(IReadOnlyList<double> scores, StepAggregation mode)
    {
        if (scores.Count == 0)
            throw new ArgumentException("there are no step scores to aggregate; a path needs at least one scored step.", nameof(scores));
        switch (mode)
        {
            case StepAggregation.Last:
                return scores[^1];
            case StepAggregation.Min:
                double min = scores[0];
                for (int i = 1; i < scores.Count; i++)
                    min = Math.Min(min, scores[i]);
                return min;
            case StepAggregation.Product:
                double product = 1;
                foreach (double s in scores)
                    product *= s;
                return product;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown step aggregation.");
        }
    }
}
