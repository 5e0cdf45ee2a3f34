namespace Reasoning.Cli.Commands.Bench;

/// <summary>Median and spread of repeated measurements.</summary>
internal static class BenchStats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
