using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// The parts of a Hugging Face tokenizer.json, read and checked: added tokens, normalizer, pre-tokenizer,
/// BPE model, post-processor and decoder.
/// </summary>
internal sealed record TokenizerPipeline(
    BpeModel Model,
    IReadOnlyList<AddedToken> AddedTokens,
    INormalizer? Normalizer,
    IPreTokenizer? PreTokenizer,
    IPostProcessor? PostProcessor,
    IDecoder? Decoder)
{
    /// <summary>Parses the UTF-8 bytes of a tokenizer.json; <paramref name="source"/> names it in errors.</summary>
    public static TokenizerPipeline Parse(ReadOnlyMemory<byte> utf8Json, string source)
    {
        if (JsonText.FindTextError(utf8Json.Span) is { } textError)
            throw new TokenizerFormatException(source, textError);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException(source, $"is not valid JSON ({e.Message}); expected a Hugging Face tokenizer.json", e);
        }
        using (document)
            return Read(document.RootElement, new JsonFields(source));
    }

    private static TokenizerPipeline Read(JsonElement root, JsonFields json)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw json.Error("$", "expected a JSON object with a \"model\" field (a Hugging Face tokenizer.json)");
        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.Object)
            throw json.Error("$", "missing the \"model\" object; this does not look like a Hugging Face tokenizer.json");
        var model = BpeModel.Read(modelElement, json);
        var added = ReadAddedTokens(root, json);
        return new TokenizerPipeline(
            model,
            added,
            Normalizers.Read(json.OptionalObject(root, "normalizer", "$"), json, "normalizer"),
            PreTokenizers.Read(json.OptionalObject(root, "pre_tokenizer", "$"), json, "pre_tokenizer"),
            PostProcessors.Read(json.OptionalObject(root, "post_processor", "$"), json, "post_processor"),
            Decoders.Read(json.OptionalObject(root, "decoder", "$"), json, "decoder"));
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root, JsonFields json)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null)
            return tokens;
        var index = 0;
        foreach (var t in json.Array(root, "added_tokens", "$").EnumerateArray())
        {
            var path = $"added_tokens[{index++}]";
            if (t.ValueKind != JsonValueKind.Object)
                throw json.Error(path, $"expected an object {{\"id\": ..., \"content\": ...}}, found {JsonFields.Describe(t)}");
            if (!t.TryGetProperty("id", out var id))
                throw json.Error(path, "missing field \"id\"");
            var special = json.Bool(t, "special", path, false);
            tokens.Add(new AddedToken(
                json.TokenId(id, $"{path}.id"),
                json.String(t, "content", path),
                special,
                json.Bool(t, "lstrip", path, false),
                json.Bool(t, "rstrip", path, false),
                json.Bool(t, "single_word", path, false),
                json.Bool(t, "normalized", path, !special)));
        }
        return tokens;
    }
}
