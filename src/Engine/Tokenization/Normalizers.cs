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
            "NFC" => new Canonical(UnicodeNormalization.Nfc),
            "NFD" => new Canonical(UnicodeNormalization.Nfd),
            "NFKC" => Compatibility(NormalizationForm.FormKC, json, path),
            "NFKD" => Compatibility(NormalizationForm.FormKD, json, path),
            "Lowercase" => new Lowercase(),
            "Prepend" => new Prepend(json.String(e, "prepend", path)),
            "Replace" => new Replace(Pattern.Read(e, json, path), json.String(e, "content", path)),
            "Sequence" => new Sequence(json.Array(e, "normalizers", path).EnumerateArray()
                .Select((n, i) => Read(n, json, $"{path}.normalizers[{i}]")!).ToArray()),
            _ => throw json.Error(path, $"unsupported normalizer type \"{type}\"; supported: NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Sequence"),
        };
    }

    /// <summary>NFKC/NFKD rely on the runtime, which cannot normalize in globalization-invariant mode.</summary>
    private static INormalizer Compatibility(NormalizationForm form, JsonFields json, string path)
    {
        if ("\uFB01".Normalize(form) == "\uFB01")
            throw json.Error(path, $"{form} normalization needs ICU, which this process runs without (globalization-invariant mode); only NFC and NFD are built in");
        return new RuntimeForm(form);
    }

    private sealed record Canonical(Func<string, string> Form) : INormalizer
    {
        public string Normalize(string text) => Form(text);
    }

    private sealed record RuntimeForm(NormalizationForm Form) : INormalizer
    {
        public string Normalize(string text) => text.Normalize(Form);
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
