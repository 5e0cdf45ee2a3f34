using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Reasoning.Agents.Chat;

/// <summary>
/// JSON written the way a chat template's <c>tojson</c> filter writes it (Python's <c>json.dumps</c> with
/// <c>ensure_ascii=False</c>): <c>", "</c> and <c>": "</c> between items, or with an indent <c>","</c> at line ends;
/// keys in their given order; only quotes, backslashes and control characters escaped. The prompt a model sees must
/// match the one it was trained on byte for byte, and System.Text.Json's compact form differs in every separator.
/// </summary>
internal static class PythonJson
{
    /// <summary>Writes <paramref name="value"/>; with <paramref name="indent"/> &gt; 0, one item a line.</summary>
    public static string Dumps(JsonElement value, int indent = 0)
    {
        var text = new StringBuilder();
        Write(text, value, indent, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonElement value, int indent, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteItems(text, '{', '}', value.EnumerateObject().Select(p => ((string?)p.Name, p.Value)).ToList(), indent, depth);
                break;
            case JsonValueKind.Array:
                WriteItems(text, '[', ']', value.EnumerateArray().Select(v => ((string?)null, v)).ToList(), indent, depth);
                break;
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            case JsonValueKind.Number:
                text.Append(Number(value));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            default:
                text.Append("null");
                break;
        }
    }

    private static void WriteItems(StringBuilder text, char open, char close, List<(string? Name, JsonElement Value)> items, int indent, int depth)
    {
        text.Append(open);
        if (items.Count == 0)
        {
            text.Append(close);
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (indent > 0)
                text.Append(i == 0 ? "" : ",").Append('\n').Append(' ', indent * (depth + 1));
            else if (i > 0)
                text.Append(", ");
            if (items[i].Name is { } name)
            {
                WriteString(text, name);
                text.Append(": ");
            }
            Write(text, items[i].Value, indent, depth + 1);
        }
        if (indent > 0)
            text.Append('\n').Append(' ', indent * depth);
        text.Append(close);
    }

    // Python prints integral numbers without a fraction and keeps a JSON number's own text otherwise.
    private static string Number(JsonElement value) =>
        value.TryGetInt64(out var l) ? l.ToString(CultureInfo.InvariantCulture) : value.GetRawText();

    private static void WriteString(StringBuilder text, string s)
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
                    if (c < ' ')
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
