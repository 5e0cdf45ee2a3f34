using System.Globalization;
using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Formats and parses the Python list literals the APR traces are made of: <c>[44, 19, 35]</c> for numbers and
/// <c>['44+19=63', '35-2=33']</c> for operations (what Python's <c>str(list)</c> prints).
/// </summary>
public static class PythonLiteral
{
    /// <summary>Formats numbers as Python prints a list of ints: <c>[1, 2, 3]</c>, <c>[]</c>.</summary>
    public static string Numbers(IEnumerable<int> numbers) => Numbers(numbers.Select(n => (long)n));

    /// <summary>Formats numbers as Python prints a list of ints: <c>[1, 2, 3]</c>, <c>[]</c>.</summary>
    public static string Numbers(IEnumerable<long> numbers) =>
        "[" + string.Join(", ", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>Formats operations as Python prints a list of strings: <c>['1+2=3']</c>, <c>[]</c>.</summary>
    public static string Operations(IEnumerable<string> operations) =>
        "[" + string.Join(", ", operations.Select(o => "'" + o + "'")) + "]";

    /// <summary>Parses <c>[1, 2, 3]</c> (spaces optional); throws <see cref="CountdownFormatException"/> naming <paramref name="what"/>.</summary>
    public static IReadOnlyList<long> ParseNumbers(string text, string what)
    {
        var inner = Unbracket(text, what);
        if (inner.Trim().Length == 0) return [];
        var result = new List<long>();
        foreach (var part in inner.Split(','))
        {
            var p = part.Trim();
            if (p.Length == 0 || !p.All(char.IsAsciiDigit) ||
                !long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                throw new CountdownFormatException(
                    $"{what}: '{p}' in '{text}' is not a non-negative integer that fits in 64 bits; write numbers like [44, 19, 35].");
            result.Add(n);
        }
        return result;
    }

    /// <summary>Parses <c>['1+2=3', '4*5=20']</c> into the quoted strings; throws <see cref="CountdownFormatException"/>.</summary>
    public static IReadOnlyList<string> ParseOperations(string text, string what)
    {
        var inner = Unbracket(text, what);
        var result = new List<string>();
        var sb = new StringBuilder();
        int i = 0;
        while (i < inner.Length)
        {
            if (inner[i] is ' ' or ',') { i++; continue; }
            if (inner[i] != '\'')
                throw new CountdownFormatException(
                    $"{what}: expected a quoted operation at '{inner[i..]}' in '{text}'; write operations like ['44+19=63'].");
            int end = inner.IndexOf('\'', i + 1);
            if (end < 0)
                throw new CountdownFormatException($"{what}: unterminated quote in '{text}'; close each operation with '.");
            result.Add(inner[(i + 1)..end]);
            i = end + 1;
        }
        return result;
    }

    private static string Unbracket(string text, string what)
    {
        var t = text.Trim();
        if (t.Length < 2 || t[0] != '[' || t[^1] != ']')
            throw new CountdownFormatException($"{what}: '{text}' is not a bracketed list; expected e.g. [44, 19, 35].");
        return t[1..^1];
    }
}
