using System.Text.Json;
using Reasoning.Engine.Tokenization.Jinja;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// JSON written the way a chat template's <c>tojson</c> filter writes it (Python's <c>json.dumps</c> with
/// <c>ensure_ascii=False</c>: <c>", "</c> and <c>": "</c> between items, or <c>","</c> at line ends with an indent; keys
/// in their given order). Code that writes tool definitions or calls into a prompt by hand uses it so the prompt
/// matches, byte for byte, what the model's template would have written.
/// </summary>
public static class TemplateJson
{
    /// <summary>Writes <paramref name="value"/>; with <paramref name="indent"/> &gt; 0, one item a line.</summary>
    public static string Dumps(JsonElement value, int indent = 0) =>
        JinjaJson.Serialize(JinjaValues.FromJson(value), indent > 0 ? indent : null);
}
