using Reasoning.Engine.Errors;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Fuzz;

/// <summary>One kind of input the harness generates and runs.</summary>
internal interface IFuzzCategory
{
    /// <summary>The category's name in reports.</summary>
    string Name { get; }

    /// <summary>
    /// Generates a case from <paramref name="random"/>'s draws, tells <paramref name="describe"/> what the input is
    /// (so a hang can name it), and runs it; an exception it lets out is classified by the harness.
    /// </summary>
    Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken);
}

/// <summary>What counts as a typed error.</summary>
internal static class ErrorKinds
{
    public static bool IsTyped(Exception e) => e is ReasoningException or CountdownFormatException;

    public static FuzzOutcome Classify(string category, Exception e, string input) =>
        new(category, IsTyped(e) ? OutcomeKind.TypedError : OutcomeKind.Crash, e.GetType().Name,
            IsTyped(e) ? input : input + " -> " + Short(e.Message) + Where(e));

    /// <summary>The innermost frame of the project's code that the exception passed through.</summary>
    public static string Where(Exception e)
    {
        var frame = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at Reasoning.", StringComparison.Ordinal));
        return frame is null ? "" : " (" + frame.Split(" in ")[0] + ")";
    }

    public static string Short(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
