namespace Reasoning.Fuzz;

/// <summary>
/// Findings that match an open issue being fixed elsewhere: reported with the issue's name, and kept apart from new
/// findings (a CI sample fails only on a new one). Each entry says what the issue is; remove it when it is fixed.
/// </summary>
public static class KnownIssues
{
    private static readonly (string Name, Func<FuzzOutcome, bool> Matches)[] Issues =
    [
        ("#24 'countdown generate/stats' with --numbers outside 2-6 or a negative --count: unhandled exception (CLI error handling)",
            o => o.Category == "cli-args" && o.Kind == OutcomeKind.Crash && o.Detail == "ArgumentOutOfRangeException"
                && (o.Input.Contains("countdown generate", StringComparison.Ordinal) || o.Input.Contains("countdown stats", StringComparison.Ordinal))),
        ("fuzz finding C1 (src/Cli, countdown stats): '--count 0 --json' averages over no problem and the JSON writer throws ArgumentException on NaN",
            o => o.Category == "cli-args" && o.Kind == OutcomeKind.Crash && o.Detail == "ArgumentException"
                && o.Input.Contains("countdown stats --count 0", StringComparison.Ordinal)),
        ("fuzz finding C2 (src/Cli, countdown generate): '--out \'\'' (an empty path) reaches SafeFile.Write, which throws ArgumentException",
            o => o.Category == "cli-args" && o.Kind == OutcomeKind.Crash && o.Detail == "ArgumentException"
                && o.Input.Contains("--out ''", StringComparison.Ordinal) && o.Input.Contains("SafeFile.Write", StringComparison.Ordinal)),
        ("#24 number ranges: 'bench kernels --threads -1' is accepted and runs the whole benchmark (minutes) instead of being refused",
            o => o.Category == "cli-args" && o.Kind == OutcomeKind.Hang
                && o.Input.Contains("bench kernels", StringComparison.Ordinal) && o.Input.Contains("--threads -", StringComparison.Ordinal)),
    ];

    /// <summary>The known issue a crash, hang or leak matches, or null.</summary>
    public static string? Match(FuzzOutcome outcome) => Issues.FirstOrDefault(i => i.Matches(outcome)).Name;
}
