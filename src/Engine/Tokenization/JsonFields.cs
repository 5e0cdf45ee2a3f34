using System.Text.Json;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Reads fields of a tokenizer file and turns every missing or mistyped field into a
/// <see cref="TokenizerFormatException"/> that names the file, the JSON path and what was expected.
/// </summary>
internal readonly record struct JsonFields(string Source)
{
    /// <summary>
    /// The largest token id a tokenizer file may use. Ids index arrays sized by the largest id, so a damaged id such
    /// as 2147483647 must be refused rather than allocated; real vocabularies stay far below 2^24.
    /// </summary>
    public const int MaxTokenId = (1 << 24) - 1;

    public TokenizerFormatException Error(string path, string message) => new(Source, $"{path}: {message}");

    /// <summary>
    /// Looks a field up in <paramref name="parent"/>, which must be an object: asking a number or a string for a field
    /// would throw <see cref="InvalidOperationException"/>, so a damaged file gets a format error at the parent's path.
    /// </summary>
    private bool TryGetField(JsonElement parent, string name, string path, out JsonElement value)
    {
        if (parent.ValueKind != JsonValueKind.Object)
            throw Error(path, $"expected an object with a field \"{name}\", found {Describe(parent)}");
        return parent.TryGetProperty(name, out value);
    }

    public JsonElement Object(JsonElement parent, string name, string path)
    {
        if (!TryGetField(parent, name, path, out var value))
            throw Error(path, $"missing field \"{name}\"; expected an object");
        if (value.ValueKind != JsonValueKind.Object)
            throw Error($"{path}.{name}", $"expected an object, found {Describe(value)}");
        return value;
    }

    public JsonElement? OptionalObject(JsonElement parent, string name, string path)
    {
        if (!TryGetField(parent, name, path, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Object)
            throw Error($"{path}.{name}", $"expected an object or null, found {Describe(value)}");
        return value;
    }

    public JsonElement Array(JsonElement parent, string name, string path)
    {
        if (!TryGetField(parent, name, path, out var value))
            throw Error(path, $"missing field \"{name}\"; expected an array");
        if (value.ValueKind != JsonValueKind.Array)
            throw Error($"{path}.{name}", $"expected an array, found {Describe(value)}");
        return value;
    }

    public string String(JsonElement parent, string name, string path)
    {
        if (!TryGetField(parent, name, path, out var value))
            throw Error(path, $"missing field \"{name}\"; expected a string");
        return String(value, $"{path}.{name}");
    }

    public string String(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Error(path, $"expected a string, found {Describe(value)}");

    public string? OptionalString(JsonElement parent, string name, string path)
    {
        if (!TryGetField(parent, name, path, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return String(value, $"{path}.{name}");
    }

    public bool Bool(JsonElement parent, string name, string path, bool fallback)
    {
        if (!TryGetField(parent, name, path, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"{path}.{name}", $"expected true or false, found {Describe(value)}"),
        };
    }

    public int Int(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw Error(path, $"expected an integer, found {Describe(value)}");

    public int Int(JsonElement parent, string name, string path, int fallback)
    {
        if (!TryGetField(parent, name, path, out var value) || value.ValueKind == JsonValueKind.Null)
            return fallback;
        return Int(value, $"{path}.{name}");
    }

    /// <summary>A token id: an integer from 0 to <see cref="MaxTokenId"/>.</summary>
    public int TokenId(JsonElement value, string path)
    {
        var id = Int(value, path);
        if (id is < 0 or > MaxTokenId)
            throw Error(path, $"token id {id} is out of range; ids run from 0 to {MaxTokenId}. The file is damaged: re-download it");
        return id;
    }

    /// <summary>The "type" tag of a component object (normalizer, pre-tokenizer, decoder...).</summary>
    public string Type(JsonElement component, string path) => String(component, "type", path);

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
