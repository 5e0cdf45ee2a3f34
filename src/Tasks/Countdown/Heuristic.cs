namespace Reasoning.Tasks.Countdown;

/// <summary>The heuristics APR's symbolic search orders nodes by (lower is more promising).</summary>
public static class Heuristic
{
    /// <summary>
    /// APR's <c>mult_heuristic</c>, used for all its traces: the sum over numbers of the distance to the nearest
    /// factor (at least 2) of the target.
    /// </summary>
    public static double FactorDistance(IReadOnlyList<long> numbers, int target)
    {
        long total = 0;
        foreach (var n in numbers)
        {
            long best = long.MaxValue;
            for (int f = 2; f <= target; f++)
                if (target % f == 0) best = Math.Min(best, Math.Abs(n - f));
            total += best == long.MaxValue ? Math.Abs(n - target) : best;
        }
        return total;
    }

    /// <summary>APR's <c>sum_heuristic</c>: the mean distance of the numbers to the target.</summary>
    public static double MeanDistance(IReadOnlyList<long> numbers, int target) =>
        numbers.Count == 1 ? Math.Abs(numbers[0] - target) : numbers.Average(n => Math.Abs((double)n - target));
}
