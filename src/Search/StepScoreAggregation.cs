namespace Reasoning.Search;

/// <summary>How a solution's step scores become one score (the PRM papers leave the choice to the caller).</summary>
public enum StepAggregation
{
    /// <summary>The last step's score: the PRM's judgement of the whole prefix so far.</summary>
    Last,
    /// <summary>The lowest step score: a solution is as good as its worst step.</summary>
    Min,
    /// <summary>The product of the step scores: the chance that every step is right, if they were independent.</summary>
    Product,
}

/// <summary>Aggregates the per-step scores of a process reward model into one score in [0, 1].</summary>
public static class StepScoreAggregation
{
    /// <summary>Aggregates <paramref name="scores"/> (one per step, each in [0, 1]) by <paramref name="aggregation"/>.</summary>
    /// <exception cref="ArgumentException">There are no scores: a solution with no steps has nothing to aggregate.</exception>
    public static double Aggregate(IReadOnlyList<double> scores, StepAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
            throw new ArgumentException("there are no step scores to aggregate; a solution needs at least one step.", nameof(scores));
        switch (aggregation)
        {
            case StepAggregation.Last:
                return scores[^1];
            case StepAggregation.Min:
                return scores.Min();
            case StepAggregation.Product:
                double product = 1;
                foreach (double s in scores)
                    product *= s;
                return product;
            default:
                throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "use Last, Min or Product.");
        }
    }
}
