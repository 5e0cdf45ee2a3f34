using System.Globalization;
using System.Text;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// The <c>tojson</c> filter as transformers defines it for chat templates: Python's <c>json.dumps</c> with
/// <c>ensure_ascii=False</c> by default (non-ASCII text is kept), separators <c>", "</c> and <c>": "</c> (or <c>","</c>
/// between items when indenting), keys in insertion order unless <c>sort_keys</c>.
/// </summary>
internal static class JinjaJson
{
    /// <summary>Serialises <paramref name="value"/>.</summary>
    /// <param name="value">A template value; undefined is written as null.</param>
    /// <param name="indent">Spaces per level, or null for one line.</param>
    /// <param name="itemSeparator">Between items; null for the default.</param>
    /// <param name="keySeparator">Between a key and its value; null for the default.</param>
    /// <param name="sortKeys">Whether to sort dictionary keys (ordinally, as Python does).</param>
    /// <param name="ensureAscii">Whether to write non-ASCII characters as \uXXXX escapes.</param>
    public static string Serialize(object? value, int? indent = null, string? itemSeparator = null, string? keySeparator = null,
        bool sortKeys = false, bool ensureAscii = false)
    {
        var text = new StringBuilder();
        var options = new Options(indent is > 0 ? indent : null, itemSeparator ?? (indent is > 0 ? "," : ", "), keySeparator ?? ": ", sortKeys, ensureAscii);
        Write(text, value, options, 0);
        return text.ToString();
    }

    private sealed record Options(int? Indent, string ItemSeparator, string KeySeparator, bool SortKeys, bool EnsureAscii);

    private static void Write(StringBuilder text, object? value, Options options, int depth)
    {
        switch (value)
        {
            case null or JinjaUndefined:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case long l:
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : JinjaValues.FormatFloat(d));
                break;
            case string s:
                WriteString(text, s, options.EnsureAscii);
                break;
            case List<object?> list:
                WriteContainer(text, '[', ']', list.Select(item => (Key: (string?)null, Value: item)).ToList(), options, depth);
                break;
            case OrderedDictionary<string, object?> dict:
                WriteContainer(text, '{', '}', Entries(dict, options), options, depth);
                break;
            case JinjaNamespace ns:
                WriteContainer(text, '{', '}', Entries(ns.Values, options), options, depth);
                break;
            default:
                throw new JinjaRuntimeError("tojson", $"tojson: {JinjaValues.Describe(value)} cannot be written as JSON");
        }
    }

    private static List<(string? Key, object? Value)> Entries(OrderedDictionary<string, object?> dict, Options options)
    {
        var entries = dict.Select(p => (Key: (string?)p.Key, p.Value));
        if (options.SortKeys)
            entries = entries.OrderBy(p => p.Key, StringComparer.Ordinal);
        return entries.ToList();
    }

    private static void WriteContainer(StringBuilder text, char open, char close, List<(string? Key, object? Value)> items, Options options, int depth)
    {
        text.Append(open);
        if (items.Count == 0)
        {
            text.Append(close);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
                text.Append(options.ItemSeparator);
            if (options.Indent is { } indent)
                text.Append('\n').Append(' ', indent * (depth + 1));
            if (items[i].Key is { } key)
            {
                WriteString(text, key, options.EnsureAscii);
                text.Append(options.KeySeparator);
            }
            Write(text, items[i].Value, options, depth + 1);
        }
        if (options.Indent is { } outer)
            text.Append('\n').Append(' ', outer * depth);
        text.Append(close);
    }

    private static void WriteString(StringBuilder text, string s, bool ensureAscii)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ' || (ensureAscii && c > '\x7f'))
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
