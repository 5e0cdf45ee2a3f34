using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>A variable or attribute that does not exist: false, empty when printed, and "not defined" to <c>is defined</c>.</summary>
internal sealed class JinjaUndefined
{
    public static readonly JinjaUndefined Instance = new();

    private JinjaUndefined() { }
}

/// <summary>The mutable object <c>namespace(...)</c> makes, whose attributes <c>{% set ns.x = ... %}</c> assigns across loop scopes.</summary>
internal sealed class JinjaNamespace
{
    public OrderedDictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);
}

/// <summary>A function a template can call: a global such as <c>raise_exception</c>, or a bound method such as <c>text.split</c>.</summary>
internal delegate object? JinjaFunction(JinjaCall call);

/// <summary>The evaluated arguments of a call, with the line and name of the call for error messages.</summary>
internal sealed record JinjaCall(string Name, int Line, IReadOnlyList<object?> Positional, IReadOnlyDictionary<string, object?> Keywords)
{
    /// <summary>The argument at <paramref name="position"/> or named <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public object? Argument(int position, string name, object? fallback = null) =>
        position < Positional.Count ? Positional[position] : Keywords.TryGetValue(name, out var value) ? value : fallback;
}

/// <summary>
/// The values a template works on and the Python rules it follows for them: strings, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, null (none), <see cref="List{T}"/> (lists and tuples), <see cref="OrderedDictionary{TKey,TValue}"/>
/// (dicts, insertion-ordered like JSON objects), <see cref="JinjaNamespace"/>, <see cref="JinjaFunction"/> and <see cref="JinjaUndefined"/>.
/// </summary>
internal static class JinjaValues
{
    /// <summary>Turns a caller's value (strings, numbers, dictionaries, lists, JSON) into a template value; null for an unsupported type.</summary>
    public static bool TryImport(object? value, out object? result)
    {
        result = null;
        switch (value)
        {
            case null or string or bool or long or double or JinjaUndefined or JinjaNamespace or JinjaFunction:
                result = value;
                return true;
            case int or short or byte or sbyte or ushort or uint:
                result = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            case float or decimal:
                result = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                return true;
            case char c:
                result = c.ToString();
                return true;
            case JsonElement element:
                result = FromJson(element);
                return true;
            case JsonNode node:
                result = FromJson(JsonSerializer.SerializeToElement(node));
                return true;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, item) in pairs)
                {
                    if (!TryImport(item, out var imported))
                        return false;
                    dict[key] = imported;
                }
                result = dict;
                return true;
            case IDictionary legacy:
                var converted = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in legacy)
                {
                    if (entry.Key is not string key || !TryImport(entry.Value, out var imported))
                        return false;
                    converted[key] = imported;
                }
                result = converted;
                return true;
            case IEnumerable sequence:
                var list = new List<object?>();
                foreach (var item in sequence)
                {
                    if (!TryImport(item, out var imported))
                        return false;
                    list.Add(imported);
                }
                result = list;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A JSON value as a template value: integers stay integers, other numbers become floats.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? (object)integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        _ => ToDictionary(element),
    };

    private static OrderedDictionary<string, object?> ToDictionary(JsonElement element)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
            dict[property.Name] = FromJson(property.Value);
        return dict;
    }

    /// <summary>A value's type with its article ("an integer", "a list"), for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "none",
        JinjaUndefined => "an undefined value",
        long => "an integer",
        _ => "a " + TypeName(value),
    };

    /// <summary>Python truthiness: empty strings, lists and dicts, zero, none and undefined are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>The name of a value's type, for error messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "none",
        JinjaUndefined => "undefined",
        string => "string",
        bool => "boolean",
        long => "integer",
        double => "float",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "mapping",
        JinjaNamespace => "namespace",
        JinjaFunction => "function",
        _ => value.GetType().Name,
    };

    /// <summary>
    /// What <c>{{ value }}</c>, <c>~</c> and string <c>+</c> make of a value: strings as they are, undefined as nothing,
    /// scalars as Python prints them (True, None, 1.0), lists and dicts as JSON, as @huggingface/jinja prints them
    /// (Python would print its repr, or fail on <c>'text' + dict</c>, which DeepSeek's template does with tool arguments).
    /// </summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        JinjaUndefined => "",
        null => "None",
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        List<object?> or OrderedDictionary<string, object?> or JinjaNamespace => JinjaJson.Serialize(value),
        _ => "<function>",
    };

    /// <summary>Python's float repr: the shortest text that reads back the same, always with a '.0' or an exponent.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
            return "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        var abs = Math.Abs(d);
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (abs != 0 && (abs >= 1e16 || abs < 1e-4))
        {
            // Python writes e+20 / e-05: a lower-case e and at least two exponent digits.
            var e = text.IndexOf('E');
            if (e < 0)
                return text;
            var mantissa = text[..e];
            var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        if (text.Contains('E'))
            text = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        if (d == 0 && double.IsNegative(d))
            return "-0.0";
        return text.Contains('.') ? text : text + ".0";
    }

    /// <summary>Python equality: numbers by value (True == 1), strings ordinally, lists and dicts item by item.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        return (a, b) switch
        {
            (null, null) => true,
            (JinjaUndefined, JinjaUndefined) => true,
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => AreEqual(p.First, p.Second)),
            (OrderedDictionary<string, object?> x, OrderedDictionary<string, object?> y) =>
                x.Count == y.Count && x.All(p => y.TryGetValue(p.Key, out var other) && AreEqual(p.Value, other)),
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>Whether a value is a number in Python's sense (booleans count, as 0 and 1).</summary>
    public static bool IsNumber(object? value) => value is long or double or bool;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    public static long ToLong(object? value) => value switch
    {
        long l => l,
        double d => (long)d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };
}
