namespace Reasoning.Tasks.Countdown;

/// <summary>Summary numbers (mean, median, 90th percentile, max) of one measured quantity.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Median">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="Max">The largest value.</param>
public sealed record Summary(double Mean, double Median, double P90, double Max)
{
    /// <summary>Summarises values (all zero when there are none).</summary>
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Summary(0, 0, 0, 0);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
        return new Summary(sorted.Average(), At(0.5), At(0.9), sorted[^1]);
    }
}

/// <summary>What <see cref="TraceStatistics.Measure"/> reports for one trace format.</summary>
/// <param name="Format"><c>sos</c> or <c>apr</c>.</param>
/// <param name="Problems">Problems traced.</param>
/// <param name="SolvedFraction">Fraction whose symbolic search reached the target.</param>
/// <param name="OverBudgetFraction">Fraction whose longest thread exceeds the token budget (counted as failures within budget).</param>
/// <param name="CharsPerThread">Characters per thread (one call's whole sequence).</param>
/// <param name="TokensPerThread">Tokens per thread.</param>
/// <param name="TokensPerProblem">Tokens per problem: the root's final text plus every child's text.</param>
/// <param name="LongestThreadTokens">Tokens of the longest thread per problem (the context a model needs).</param>
/// <param name="SpawnsPerProblem">Children spawned per problem (0 for SoS+).</param>
public sealed record FormatStatistics(string Format, int Problems, double SolvedFraction, double OverBudgetFraction,
    Summary CharsPerThread, Summary TokensPerThread, Summary TokensPerProblem, Summary LongestThreadTokens, Summary SpawnsPerProblem);

/// <summary>Measures trace lengths, tokens, spawns and failures over generated problems.</summary>
public static class TraceStatistics
{
    /// <summary>Traces <paramref name="problems"/> in both formats (trace seed = index) and measures them.</summary>
    public static IReadOnlyList<FormatStatistics> Measure(IReadOnlyList<CountdownProblem> problems, CountdownTokenizer tokenizer,
        int tokenBudget = 4096, Action<int>? progress = null)
    {
        var sos = new List<(string[] Threads, bool Solved, int Spawns, string Final)>();
        var apr = new List<(string[] Threads, bool Solved, int Spawns, string Final)>();
        for (int i = 0; i < problems.Count; i++)
        {
            var s = SosTraceWriter.Write(problems[i], i);
            sos.Add(([s.Text], s.Solved, 0, s.Text));
            var a = AprTraceWriter.Write(problems[i], i);
            var threads = a.Root.All().SelectMany(t => t.Rounds.Select(r => r.Text)).ToArray();
            apr.Add((threads, a.Solved, a.ChildCount, a.Text));
            progress?.Invoke(i + 1);
        }
        return [Summarise("sos", sos, tokenizer, tokenBudget), Summarise("apr", apr, tokenizer, tokenBudget)];
    }

    private static FormatStatistics Summarise(string format, List<(string[] Threads, bool Solved, int Spawns, string Final)> traces,
        CountdownTokenizer tokenizer, int budget)
    {
        // A thread's token count includes the EOS the trainer appends.
        var tokens = traces.Select(t => t.Threads.Select(x => tokenizer.Encode(x).Count + 1.0).ToArray()).ToList();
        var perProblem = traces.Select((t, i) =>
        {
            // Root's final text once; children are the threads that start below the root.
            var children = t.Threads.Where(x => !x.StartsWith("Moving to Node #0\n", StringComparison.Ordinal) && x.StartsWith("Moving to Node #", StringComparison.Ordinal));
            return tokenizer.Encode(t.Final).Count + 1.0 + children.Sum(c => tokenizer.Encode(c).Count + 1.0);
        }).ToList();
        var longest = tokens.Select(t => t.Max()).ToList();
        return new FormatStatistics(format, traces.Count,
            traces.Count(t => t.Solved) / (double)traces.Count,
            longest.Count(l => l > budget) / (double)traces.Count,
            Summary.Of(traces.SelectMany(t => t.Threads.Select(x => (double)x.Length))),
            Summary.Of(tokens.SelectMany(t => t)),
            Summary.Of(perProblem),
            Summary.Of(longest),
            Summary.Of(traces.Select(t => (double)t.Spawns)));
    }
}
