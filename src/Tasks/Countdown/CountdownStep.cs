using System.Globalization;
using System.Text.RegularExpressions;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// One step of a solution as APR writes it: <c>44+19=63</c> (left operand, operator, right operand, claimed result).
/// The step records what was written; <see cref="SolutionChecker"/> decides whether it is right.
/// </summary>
public sealed partial record CountdownStep(long Left, char Operator, long Right, long Result)
{
    /// <summary>The step as APR writes it, e.g. <c>44+19=63</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Left}{Operator}{Right}={Result}");

    /// <summary>Parses <c>a op b=c</c> (spaces allowed); throws <see cref="CountdownFormatException"/> if malformed.</summary>
    public static CountdownStep Parse(string text)
    {
        if (TryParse(text, out var step)) return step;
        throw new CountdownFormatException(
            $"'{text}' is not a Countdown step; write one operation like 44+19=63 (operators + - * /, whole numbers).");
    }

    /// <summary>Parses <c>a op b=c</c>; false when the text is not of that shape or a number is too large.</summary>
    public static bool TryParse(string? text, out CountdownStep step)
    {
        step = null!;
        if (text is null) return false;
        var m = StepPattern().Match(text);
        if (!m.Success) return false;
        if (!long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ||
            !long.TryParse(m.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ||
            !long.TryParse(m.Groups[4].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            return false;
        step = new CountdownStep(a, m.Groups[2].Value[0], b, c);
        return true;
    }

    /// <summary>
    /// The operations APR's search tries on a pair, in its order: a+b, a*b, larger−smaller, larger/smaller (exact only).
    /// </summary>
    public static IEnumerable<(long Result, string Text)> Combine(long a, long b)
    {
        yield return (a + b, $"{a}+{b}={a + b}");
        yield return (a * b, $"{a}*{b}={a * b}");
        var (large, small) = a <= b ? (b, a) : (a, b);
        yield return (large - small, $"{large}-{small}={large - small}");
        if (small != 0 && large % small == 0)
            yield return (large / small, $"{large}/{small}={large / small}");
    }

    [GeneratedRegex(@"^\s*(\d+)\s*([+\-*/])\s*(\d+)\s*=\s*(\d+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex StepPattern();
}
