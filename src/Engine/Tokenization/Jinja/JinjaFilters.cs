using System.Globalization;
using System.Text;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>The filters (<c>x | name(args)</c>) that chat templates use, with Jinja's arguments and Python's results.</summary>
internal static class JinjaFilters
{
    /// <summary>The filter names the renderer knows; any other is rejected when the template is parsed.</summary>
    public static readonly HashSet<string> Names =
    [
        "tojson", "trim", "length", "count", "default", "d", "first", "last", "upper", "lower", "title", "capitalize",
        "items", "string", "join", "list", "reverse", "safe", "abs", "int", "float", "replace", "indent", "map",
        "selectattr", "rejectattr", "select", "reject", "unique", "sort", "dictsort", "wordcount", "round",
    ];

    /// <summary>Applies filter <paramref name="name"/> to <paramref name="value"/>.</summary>
    /// <exception cref="JinjaRuntimeError">The filter cannot take a value of this kind, or its arguments are wrong.</exception>
    public static object? Apply(JinjaEvaluator evaluator, string name, object? value, JinjaCall call)
    {
        switch (name)
        {
            case "tojson":
                return ToJson(value, call);
            case "trim":
                return JinjaMethods.Strip(Text(value, name), call.Argument(0, "chars") as string, left: true, right: true);
            case "length" or "count":
                return Length(value, name);
            case "default" or "d":
                var boolean = JinjaValues.IsTrue(call.Argument(1, "boolean", false));
                return value is JinjaUndefined || (boolean && !JinjaValues.IsTrue(value)) ? call.Argument(0, "default_value", "") : value;
            case "first":
                return Items(value, name) is { Count: > 0 } firstItems ? firstItems[0] : JinjaUndefined.Instance;
            case "last":
                return Items(value, name) is { Count: > 0 } lastItems ? lastItems[^1] : JinjaUndefined.Instance;
            case "upper":
                return Text(value, name).ToUpperInvariant();
            case "lower":
                return Text(value, name).ToLowerInvariant();
            case "title":
                return JinjaMethods.Title(Text(value, name));
            case "capitalize":
                var s = Text(value, name);
                return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            case "items":
                return value is JinjaUndefined ? new List<object?>() : Dict(value, name).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList();
            case "string":
                return JinjaValues.ToText(value);
            case "join":
                var attribute = call.Argument(1, "attribute") as string;
                var parts = Items(value, name).Select(item => attribute is null ? item : evaluator.Attribute(item, attribute, call.Line));
                return string.Join(call.Argument(0, "d", "") as string ?? "", parts.Select(JinjaValues.ToText));
            case "list":
                return Items(value, name);
            case "reverse":
                if (value is string text)
                    return new string(text.Reverse().ToArray());
                var reversed = Items(value, name);
                reversed.Reverse();
                return reversed;
            case "safe":
                return value;
            case "abs":
                return value is double d ? Math.Abs(d) : Math.Abs(Number(value, name));
            case "int":
                return ToInt(value, call.Argument(0, "default", 0L));
            case "float":
                return ToFloat(value, call.Argument(0, "default", 0.0));
            case "replace":
                var count = call.Argument(2, "count") is long c ? (int)c : -1;
                return JinjaMethods.Replace(Text(value, name), Text(call.Argument(0, "old"), name), Text(call.Argument(1, "new"), name), count);
            case "indent":
                return Indent(Text(value, name), call);
            case "map":
                return Map(evaluator, value, call);
            case "selectattr" or "rejectattr" or "select" or "reject":
                return Select(evaluator, name, value, call);
            case "unique":
                var unique = new List<object?>();
                foreach (var item in Items(value, name))
                    if (!unique.Any(u => JinjaValues.AreEqual(u, item)))
                        unique.Add(item);
                return unique;
            case "sort":
                return Sort(evaluator, Items(value, name), call);
            case "dictsort":
                var pairs = Dict(value, name).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList();
                var byValue = call.Argument(1, "by") as string == "value";
                pairs.Sort((a, b) => evaluator.Compare(((List<object?>)a!)[byValue ? 1 : 0], ((List<object?>)b!)[byValue ? 1 : 0], call.Line));
                if (JinjaValues.IsTrue(call.Argument(2, "reverse", false)))
                    pairs.Reverse();
                return pairs;
            case "wordcount":
                return (long)Text(value, name).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "round":
                var digits = (int)JinjaValues.ToLong(call.Argument(0, "precision", 0L));
                return Math.Round(JinjaValues.ToDouble(value), digits, MidpointRounding.ToEven);
            default:
                throw new JinjaRuntimeError(name, $"unknown filter '{name}'");
        }
    }

    private static string ToJson(object? value, JinjaCall call)
    {
        var indent = call.Argument(0, "indent") is long i ? (int?)i : null;
        string? itemSeparator = null, keySeparator = null;
        if (call.Keywords.TryGetValue("separators", out var separators) && separators is List<object?> { Count: 2 } pair)
        {
            itemSeparator = pair[0] as string;
            keySeparator = pair[1] as string;
        }
        return JinjaJson.Serialize(value, indent, itemSeparator, keySeparator,
            JinjaValues.IsTrue(call.Keywords.GetValueOrDefault("sort_keys", false)),
            JinjaValues.IsTrue(call.Keywords.GetValueOrDefault("ensure_ascii", false)));
    }

    private static long Length(object? value, string name) => value switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        JinjaNamespace ns => ns.Values.Count,
        JinjaUndefined => 0,
        _ => throw new JinjaRuntimeError(name, $"'{name}' needs a string, list or mapping, not {JinjaValues.Describe(value)}"),
    };

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long or bool => JinjaValues.ToLong(value),
        double d => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long or bool or double => JinjaValues.ToDouble(value),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };

    private static string Indent(string text, JinjaCall call)
    {
        var width = call.Argument(0, "width", 4L) switch { long w => new string(' ', (int)w), string w => w, _ => "    " };
        var first = JinjaValues.IsTrue(call.Argument(1, "first", false));
        var blank = JinjaValues.IsTrue(call.Argument(2, "blank", false));
        var lines = text.Split('\n');
        var result = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
                result.Append('\n');
            if ((i > 0 || first) && (blank || lines[i].Length > 0))
                result.Append(width);
            result.Append(lines[i]);
        }
        return result.ToString();
    }

    private static List<object?> Map(JinjaEvaluator evaluator, object? value, JinjaCall call)
    {
        var items = Items(value, "map");
        if (call.Keywords.TryGetValue("attribute", out var attribute) && attribute is string path)
        {
            var fallback = call.Keywords.GetValueOrDefault("default", JinjaUndefined.Instance);
            return items.Select(item => evaluator.Attribute(item, path, call.Line) is JinjaUndefined ? fallback : evaluator.Attribute(item, path, call.Line)).ToList();
        }
        if (call.Positional.Count > 0 && call.Positional[0] is string filter && Names.Contains(filter))
        {
            var rest = new JinjaCall(filter, call.Line, call.Positional.Skip(1).ToList(), call.Keywords);
            return items.Select(item => Apply(evaluator, filter, item, rest)).ToList();
        }
        throw new JinjaRuntimeError("map", "map needs attribute='name' or the name of a supported filter");
    }

    private static List<object?> Select(JinjaEvaluator evaluator, string name, object? value, JinjaCall call)
    {
        var byAttribute = name.EndsWith("attr", StringComparison.Ordinal);
        var keep = name.StartsWith("select", StringComparison.Ordinal);
        var offset = byAttribute ? 1 : 0;
        var attribute = byAttribute ? call.Argument(0, "attribute") as string ?? throw new JinjaRuntimeError(name, $"{name} needs an attribute name") : null;
        var test = call.Positional.Count > offset ? call.Positional[offset] as string : null;
        if (test is not null && !JinjaTests.Names.Contains(test))
            throw new JinjaRuntimeError(test, $"the test '{test}' is not supported by this renderer");
        var testCall = new JinjaCall(test ?? "", call.Line, call.Positional.Skip(offset + 1).ToList(), new Dictionary<string, object?>());
        return Items(value, name).Where(item =>
        {
            var subject = attribute is null ? item : evaluator.Attribute(item, attribute, call.Line);
            var passed = test is null ? JinjaValues.IsTrue(subject) : evaluator.Test(test, subject, testCall);
            return passed == keep;
        }).ToList();
    }

    private static List<object?> Sort(JinjaEvaluator evaluator, List<object?> items, JinjaCall call)
    {
        var reverse = JinjaValues.IsTrue(call.Argument(0, "reverse", false));
        var caseSensitive = JinjaValues.IsTrue(call.Argument(1, "case_sensitive", false));
        var attribute = call.Argument(2, "attribute") as string;
        object? Key(object? item)
        {
            var key = attribute is null ? item : evaluator.Attribute(item, attribute, call.Line);
            return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
        }
        // A stable sort, as Python's.
        var sorted = items.Select((item, index) => (item, index)).ToList();
        sorted.Sort((a, b) =>
        {
            var order = evaluator.Compare(Key(a.item), Key(b.item), call.Line);
            return order != 0 ? (reverse ? -order : order) : a.index.CompareTo(b.index);
        });
        return sorted.Select(p => p.item).ToList();
    }

    private static long Number(object? value, string name) =>
        value is long or bool ? JinjaValues.ToLong(value) : throw new JinjaRuntimeError(name, $"'{name}' needs a number, not {JinjaValues.Describe(value)}");

    private static string Text(object? value, string name) => value switch
    {
        string s => s,
        JinjaUndefined => "",
        null => throw new JinjaRuntimeError(name, $"'{name}' needs a string, not none (a message field that is null?)"),
        _ => JinjaValues.ToText(value),
    };

    /// <summary>The items of a list, the characters of a string, or the keys of a mapping, as a new list.</summary>
    public static List<object?> Items(object? value, string name) => value switch
    {
        List<object?> list => [.. list],
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        OrderedDictionary<string, object?> dict => dict.Keys.Select(k => (object?)k).ToList(),
        JinjaUndefined => [],
        _ => throw new JinjaRuntimeError(name, $"'{name}' needs a list, string or mapping, not {JinjaValues.Describe(value)}"),
    };

    private static OrderedDictionary<string, object?> Dict(object? value, string name) => value switch
    {
        OrderedDictionary<string, object?> dict => dict,
        JinjaNamespace ns => ns.Values,
        _ => throw new JinjaRuntimeError(name, $"'{name}' needs a mapping, not {JinjaValues.Describe(value)}"),
    };
}
