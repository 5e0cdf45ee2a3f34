using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>Splits a normalized piece of text into the words that BPE encodes one at a time.</summary>
internal interface IPreTokenizer
{
    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="output"/>.</summary>
    /// <param name="text">A piece of the input, between added tokens, already normalized.</param>
    /// <param name="atStart">Whether the piece begins the whole input (Metaspace's "first" scheme needs it).</param>
    /// <param name="output">Where the words go.</param>
    void PreTokenize(string text, bool atStart, List<string> output);
}

/// <summary>Builds pre-tokenizers from the "pre_tokenizer" object of tokenizer.json.</summary>
internal static class PreTokenizers
{
    /// <summary>GPT-2's word pattern, used by ByteLevel when use_regex is true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Reads a pre-tokenizer; null means the whole piece is one word.</summary>
    public static IPreTokenizer? Read(JsonElement? element, JsonFields json, string path)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return null;
        var type = json.Type(e, path);
        return type switch
        {
            "ByteLevel" => new ByteLevelPreTokenizer(
                json.Bool(e, "add_prefix_space", path, true),
                json.Bool(e, "use_regex", path, true) ? OnigRegex.Create(Gpt2Pattern, json.Source, path) : null),
            "Split" => SplitPreTokenizer.Read(e, json, path),
            "Metaspace" => MetaspacePreTokenizer.Read(e, json, path),
            "Digits" => new DigitsPreTokenizer(json.Bool(e, "individual_digits", path, false)),
            "Whitespace" => new RegexWordsPreTokenizer(OnigRegex.Create(@"\w+|[^\w\s]+", json.Source, path)),
            "WhitespaceSplit" => new RegexWordsPreTokenizer(OnigRegex.Create(@"\S+", json.Source, path)),
            "Sequence" => new SequencePreTokenizer(json.Array(e, "pretokenizers", path).EnumerateArray()
                .Select((p, i) => Read(p, json, $"{path}.pretokenizers[{i}]")!).ToArray()),
            _ => throw json.Error(path, $"unsupported pre-tokenizer type \"{type}\"; supported: ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence"),
        };
    }

    private sealed class SequencePreTokenizer(IPreTokenizer[] steps) : IPreTokenizer
    {
        public void PreTokenize(string text, bool atStart, List<string> output)
        {
            var pieces = new List<string> { text };
            var next = new List<string>();
            foreach (var step in steps)
            {
                next.Clear();
                for (var i = 0; i < pieces.Count; i++)
                    step.PreTokenize(pieces[i], atStart && i == 0, next);
                (pieces, next) = (next, pieces);
            }
            output.AddRange(pieces);
        }
    }

    /// <summary>Splits on runs of numeric characters, or isolates every digit.</summary>
    private sealed class DigitsPreTokenizer(bool individualDigits) : IPreTokenizer
    {
        public void PreTokenize(string text, bool atStart, List<string> output)
        {
            var start = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var isDigit = char.IsNumber(text[i]);
                var boundary = i > start && (individualDigits && isDigit || isDigit != char.IsNumber(text[i - 1]) || individualDigits && char.IsNumber(text[i - 1]));
                if (boundary)
                {
                    output.Add(text[start..i]);
                    start = i;
                }
            }
            if (start < text.Length)
                output.Add(text[start..]);
        }
    }

    /// <summary>Keeps the matches of a pattern as words and drops the rest (Whitespace, WhitespaceSplit).</summary>
    private sealed class RegexWordsPreTokenizer(OnigRegex words) : IPreTokenizer
    {
        public void PreTokenize(string text, bool atStart, List<string> output)
        {
            var matches = new List<(int Start, int Length)>();
            words.Matches(text, matches);
            foreach (var (start, length) in matches)
                output.Add(text.Substring(start, length));
        }
    }
}
