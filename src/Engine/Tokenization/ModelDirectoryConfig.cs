using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// What a model directory says about its tokenizer beyond tokenizer.json: tokenizer_config.json
/// (add_bos_token, add_eos_token, bos/eos tokens, chat_template), chat_template.jinja, and
/// generation_config.json (eos_token_id as an int or a list, bos_token_id). Every file and field is optional.
/// </summary>
internal sealed record ModelDirectoryConfig(
    bool? AddBosToken,
    bool? AddEosToken,
    string? BosToken,
    string? EosToken,
    string? ChatTemplate,
    int? GenerationBosTokenId,
    IReadOnlyList<int> GenerationEosTokenIds)
{
    /// <summary>No configuration (a bare tokenizer.json).</summary>
    public static readonly ModelDirectoryConfig Empty = new(null, null, null, null, null, null, []);

    /// <summary>Reads the two files from <paramref name="directory"/>; a file that is absent contributes nothing.</summary>
    public static ModelDirectoryConfig Read(string directory)
    {
        var config = Empty;
        var tokenizerConfig = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            using var document = Parse(tokenizerConfig);
            var json = new JsonFields(tokenizerConfig);
            var root = document.RootElement;
            config = config with
            {
                AddBosToken = root.TryGetProperty("add_bos_token", out _) ? json.Bool(root, "add_bos_token", "$", false) : null,
                AddEosToken = root.TryGetProperty("add_eos_token", out _) ? json.Bool(root, "add_eos_token", "$", false) : null,
                BosToken = TokenContent(root, "bos_token", json),
                EosToken = TokenContent(root, "eos_token", json),
                ChatTemplate = ReadChatTemplate(root, json),
            };
        }
        // Newer transformers versions save the template beside the config instead of inside it.
        var templateFile = Path.Combine(directory, "chat_template.jinja");
        if (config.ChatTemplate is null && File.Exists(templateFile))
            config = config with { ChatTemplate = File.ReadAllText(templateFile) };
        var generationConfig = Path.Combine(directory, "generation_config.json");
        if (File.Exists(generationConfig))
        {
            using var document = Parse(generationConfig);
            var json = new JsonFields(generationConfig);
            var root = document.RootElement;
            var bos = root.TryGetProperty("bos_token_id", out var b) && b.ValueKind != JsonValueKind.Null ? json.TokenId(b, "$.bos_token_id") : (int?)null;
            config = config with { GenerationBosTokenId = bos, GenerationEosTokenIds = ReadIds(root, "eos_token_id", json) };
        }
        return config;
    }

    /// <summary>Parses a JSON file whose root must be an object.</summary>
    public static JsonDocument Parse(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (JsonText.FindTextError(bytes) is { } textError)
            throw new TokenizerFormatException(path, textError);
        JsonDocument document;
        try
        {
            // Parsing from a stream skips a leading byte-order mark, which some editors write.
            using var stream = new MemoryStream(bytes, writable: false);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(path, $"is not valid JSON ({e.Message}); re-download the file", e);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new TokenizerFormatException(path, "expected a JSON object at the top level");
        }
        return document;
    }

    /// <summary>A token written as a string or as an AddedToken object <c>{"content": "..."}</c>.</summary>
    private static string? TokenContent(JsonElement root, string name, JsonFields json)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Object ? json.String(value, "content", $"$.{name}") : json.String(value, $"$.{name}");
    }

    /// <summary>chat_template is a string, or a list of {name, template} where "default" is the one to use.</summary>
    private static string? ReadChatTemplate(JsonElement root, JsonFields json)
    {
        if (!root.TryGetProperty("chat_template", out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Array)
            return json.String(value, "$.chat_template");
        string? first = null;
        foreach (var entry in value.EnumerateArray())
        {
            var template = json.String(entry, "template", "$.chat_template[]");
            first ??= template;
            if (json.OptionalString(entry, "name", "$.chat_template[]") == "default")
                return template;
        }
        return first;
    }

    private static int[] ReadIds(JsonElement root, string name, JsonFields json)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return [];
        if (value.ValueKind == JsonValueKind.Array)
            return value.EnumerateArray().Select((v, i) => json.TokenId(v, $"$.{name}[{i}]")).ToArray();
        return [json.TokenId(value, $"$.{name}")];
    }
}
