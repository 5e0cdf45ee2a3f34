using System.Text;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>The Python methods of strings and dicts that chat templates call (<c>content.split('&lt;/think&gt;')</c>, <c>message.get('x')</c>).</summary>
internal static class JinjaMethods
{
    /// <summary>The method <paramref name="name"/> of <paramref name="target"/> bound to it, or null if it has none.</summary>
    public static JinjaFunction? Bind(object? target, string name) => target switch
    {
        string s => StringMethod(s, name),
        OrderedDictionary<string, object?> dict => DictMethod(dict, name),
        _ => null,
    };

    private static JinjaFunction? StringMethod(string s, string name) => name switch
    {
        "upper" => _ => s.ToUpperInvariant(),
        "lower" => _ => s.ToLowerInvariant(),
        "strip" => call => Strip(s, Chars(call), left: true, right: true),
        "lstrip" => call => Strip(s, Chars(call), left: true, right: false),
        "rstrip" => call => Strip(s, Chars(call), left: false, right: true),
        "title" => _ => Title(s),
        "capitalize" => _ => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant(),
        "startswith" => call => Affixes(call).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
        "endswith" => call => Affixes(call).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
        "split" => call => Split(s, call.Argument(0, "sep") as string, call.Argument(1, "maxsplit", -1L) is long m ? (int)m : -1),
        "replace" => call => Replace(s, Str(call, 0, "old"), Str(call, 1, "new"), call.Argument(2, "count", -1L) is long c ? (int)c : -1),
        "join" => call => string.Join(s, JinjaFilters.Items(call.Argument(0, "iterable"), "join").Select(JinjaValues.ToText)),
        "find" => call => (long)s.IndexOf(Str(call, 0, "sub"), StringComparison.Ordinal),
        "count" => call => (long)CountOf(s, Str(call, 0, "sub")),
        "isdigit" => _ => s.Length > 0 && s.All(char.IsDigit),
        "isspace" => _ => s.Length > 0 && s.All(char.IsWhiteSpace),
        _ => null,
    };

    private static JinjaFunction? DictMethod(OrderedDictionary<string, object?> dict, string name) => name switch
    {
        "get" => call => call.Argument(0, "key") is string key && dict.TryGetValue(key, out var value) ? value : call.Argument(1, "default"),
        "items" => _ => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
        "keys" => _ => dict.Keys.Select(k => (object?)k).ToList(),
        "values" => _ => dict.Values.ToList(),
        _ => null,
    };

    private static string? Chars(JinjaCall call) => call.Argument(0, "chars") as string;

    private static string Str(JinjaCall call, int position, string name) =>
        call.Argument(position, name) as string ?? throw new JinjaRuntimeError(call.Name, $"{call.Name}() needs a string for '{name}'");

    private static IEnumerable<string> Affixes(JinjaCall call) => call.Argument(0, "prefix") switch
    {
        string one => [one],
        List<object?> many => many.Select(p => p as string ?? throw new JinjaRuntimeError(call.Name, $"{call.Name}() takes strings")),
        var other => throw new JinjaRuntimeError(call.Name, $"{call.Name}() takes a string or a tuple of strings, not {JinjaValues.Describe(other)}"),
    };

    /// <summary>Python's <c>str.strip(chars)</c>: whitespace without <paramref name="chars"/>, else any of its characters.</summary>
    public static string Strip(string s, string? chars, bool left, bool right)
    {
        bool Drop(char c) => chars is null ? char.IsWhiteSpace(c) : chars.Contains(c);
        var start = 0;
        var end = s.Length;
        if (left)
            while (start < end && Drop(s[start]))
                start++;
        if (right)
            while (end > start && Drop(s[end - 1]))
                end--;
        return s[start..end];
    }

    /// <summary>Python's <c>str.title()</c>: a letter after a non-letter is upper-cased, every other letter lower-cased.</summary>
    public static string Title(string s)
    {
        var text = new StringBuilder(s.Length);
        var previousIsLetter = false;
        foreach (var c in s)
        {
            text.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }
        return text.ToString();
    }

    /// <summary>Python's <c>str.replace(old, new, count)</c>; a negative count replaces all.</summary>
    public static string Replace(string s, string old, string replacement, int count)
    {
        if (count < 0)
            return old.Length == 0 ? Replace(s, old, replacement, s.Length + 1) : s.Replace(old, replacement, StringComparison.Ordinal);
        var text = new StringBuilder();
        var position = 0;
        for (var done = 0; done < count; done++)
        {
            if (old.Length == 0)
            {
                // Python inserts the replacement before each character (and at the end).
                text.Append(replacement);
                if (position >= s.Length)
                    return text.ToString();
                text.Append(s[position++]);
                continue;
            }
            var next = s.IndexOf(old, position, StringComparison.Ordinal);
            if (next < 0)
                break;
            text.Append(s, position, next - position).Append(replacement);
            position = next + old.Length;
        }
        return text.Append(s, position, s.Length - position).ToString();
    }

    /// <summary>Python's <c>str.split(sep, maxsplit)</c>: without <paramref name="separator"/>, runs of whitespace split and ends are dropped.</summary>
    public static List<object?> Split(string s, string? separator, int maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                    i++;
                if (i >= s.Length)
                    return parts;
                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(s[i..]);
                    return parts;
                }
                var start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                    i++;
                parts.Add(s[start..i]);
            }
        }
        if (separator.Length == 0)
            throw new JinjaRuntimeError("split", "split() got an empty separator");
        var position = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var next = s.IndexOf(separator, position, StringComparison.Ordinal);
            if (next < 0)
                break;
            parts.Add(s[position..next]);
            position = next + separator.Length;
        }
        parts.Add(s[position..]);
        return parts;
    }

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0)
            return s.Length + 1;
        var count = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
