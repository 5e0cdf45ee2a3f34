namespace Reasoning.Fuzz;

/// <summary>
/// Findings that match an open issue being fixed elsewhere: reported with the issue's name, and kept apart from new
/// findings (a CI sample fails only on a new one). Each entry says what the issue is; remove it when it is fixed.
/// </summary>
public static class KnownIssues
{
    private static readonly (string Name, Func<FuzzOutcome, bool> Matches)[] Issues =
    [
        ("fuzz finding E1 (src/Engine): a model or tokenizer file whose JSON holds a value of the wrong type, invalid UTF-8 "
            + "or an out-of-range id throws InvalidOperationException, OverflowException or IndexOutOfRangeException instead of "
            + "ModelFormatException/TokenizerFormatException (JsonFields.StringList, SafetensorsFile.ParseHeader/ParseEntry, "
            + "TokenizerPipeline.ReadAddedTokens, BpeModel's constructor)",
            o => o.Category == "model-files" && o.Kind == OutcomeKind.Crash
                && o.Detail is "InvalidOperationException" or "OverflowException" or "IndexOutOfRangeException"
                && o.Input.Contains("(at Reasoning.Engine.", StringComparison.Ordinal)),
    ];

    /// <summary>The known issue a crash, hang or leak matches, or null.</summary>
    public static string? Match(FuzzOutcome outcome) => Issues.FirstOrDefault(i => i.Matches(outcome)).Name;
}
