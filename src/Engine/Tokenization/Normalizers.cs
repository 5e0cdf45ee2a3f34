using System.Text;
using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>Rewrites a piece of text before it is split into words (Unicode normalization, replacements...).</summary>
internal interface INormalizer
{
    string Normalize(string text);
}

/// <summary>Builds normalizers from the "normalizer" object of tokenizer.json.</summary>
internal static class Normalizers
{
    /// <summary>Reads a normalizer; null (JSON null or absent) means "leave the text as it is".</summary>
    public static INormalizer? Read(JsonElement? element, JsonFields json, string path)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return null;
        var type = json.Type(e, path);
        return type switch
        {
            "NFC" => new UnicodeForm(NormalizationForm.FormC),
            "NFD" => new UnicodeForm(NormalizationForm.FormD),
            "NFKC" => new UnicodeForm(NormalizationForm.FormKC),
            "NFKD" => new UnicodeForm(NormalizationForm.FormKD),
            "Lowercase" => new Lowercase(),
            "Prepend" => new Prepend(json.String(e, "prepend", path)),
            "Replace" => new Replace(Pattern.Read(e, json, path), json.String(e, "content", path)),
            "Sequence" => new Sequence(json.Array(e, "normalizers", path).EnumerateArray()
                .Select((n, i) => Read(n, json, $"{path}.normalizers[{i}]")!).ToArray()),
            _ => throw json.Error(path, $"unsupported normalizer type \"{type}\"; supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Sequence"),
        };
    }

    private sealed record UnicodeForm(NormalizationForm Form) : INormalizer
    {
        public string Normalize(string text) => text.IsNormalized(Form) ? text : text.Normalize(Form);
    }

    private sealed record Lowercase : INormalizer
    {
        public string Normalize(string text) => text.ToLowerInvariant();
    }

    /// <summary>Puts a prefix before any non-empty piece (SentencePiece's "▁" before the first word).</summary>
    private sealed record Prepend(string Prefix) : INormalizer
    {
        public string Normalize(string text) => text.Length == 0 ? text : Prefix + text;
    }

    private sealed record Replace(Pattern Pattern, string Content) : INormalizer
    {
        public string Normalize(string text) => Pattern.ReplaceAll(text, Content);
    }

    private sealed record Sequence(INormalizer[] Steps) : INormalizer
    {
        public string Normalize(string text)
        {
            foreach (var step in Steps)
                text = step.Normalize(text);
            return text;
        }
    }
}
