using System.Text.RegularExpressions;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Agents.Application;

/// <summary>
/// Reads a Countdown problem out of a free-text question: the whole numbers before the word <c>target</c> (or an arrow
/// <c>-&gt;</c> / <c>→</c>) are the numbers, the one after it is the target — "numbers 44, 19, 35, 73 target 98",
/// "[44,19,35,73] -> 98". The markers are narrow on purpose: a general question that merely mentions numbers must not
/// be taken for a puzzle.
/// </summary>
public static partial class CountdownQuestion
{
    [GeneratedRegex(@"^(?<before>.*?)(?:\btarget\b\s*(?:is|of|=|:)?|->|→)\s*(?<target>\d+)\s*[.?!]?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Shape();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();

    /// <summary>The problem the question states, or null when it is not a Countdown question.</summary>
    public static CountdownProblem? TryParse(string question)
    {
        var match = Shape().Match(question);
        if (!match.Success)
            return null;
        var numbers = Number().Matches(match.Groups["before"].Value).Select(m => long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (numbers.Count is < CountdownRules.MinNumbers or > CountdownRules.MaxNumbers || numbers.Any(n => n is < 1 or > CountdownRules.MaxValue)
            || !long.TryParse(match.Groups["target"].Value, out long target) || target is < 1 or > CountdownRules.MaxValue)
            return null;
        return new CountdownProblem(numbers.Select(n => (int)n).ToArray(), (int)target);
    }
}
