namespace Reasoning.Fuzz;

/// <summary>
/// Findings that match an open issue being fixed elsewhere: reported with the issue's name, and kept apart from new
/// findings (a CI sample fails only on a new one). Each entry says what the issue is; remove it when it is fixed.
/// </summary>
public static class KnownIssues
{
    private static readonly (string Name, Func<FuzzOutcome, bool> Matches)[] Issues =
    [
    ];

    /// <summary>The known issue a crash, hang or leak matches, or null.</summary>
    public static string? Match(FuzzOutcome outcome) => Issues.FirstOrDefault(i => i.Matches(outcome)).Name;
}
