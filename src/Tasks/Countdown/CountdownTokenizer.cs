using System.Text.Json.Nodes;
using Reasoning.Engine.Tokenization;
using System.Text.RegularExpressions;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// The Countdown models' tokenizer, a Hugging Face BPE tokenizer: digits split one by one, the text between digits
/// mapped to GPT-2 byte-level characters and merged by BPE learned from traces (so the fixed phrases become one or
/// a few tokens), <c>&lt;|endoftext|&gt;</c> as EOS. This class encodes with a tokenizer.json of that shape; it is
/// the task's own reference, independent of the engine's tokenizer.
/// </summary>
public sealed partial class CountdownTokenizer
{
    /// <summary>The end-of-sequence token.</summary>
    public const string EndOfText = "<|endoftext|>";

    private readonly Dictionary<string, int> vocab;
    private readonly string[] idToToken;
    private readonly Dictionary<(string, string), int> ranks;

    private CountdownTokenizer(Dictionary<string, int> vocab, Dictionary<(string, string), int> ranks)
    {
        this.vocab = vocab;
        this.ranks = ranks;
        idToToken = new string[vocab.Values.Max() + 1];
        foreach (var (token, id) in vocab) idToToken[id] = token;
    }

    /// <summary>How many ids the vocabulary holds, EOS included.</summary>
    public int VocabularySize => idToToken.Length;

    /// <summary>The id of <see cref="EndOfText"/>.</summary>
    public int EndOfTextId => vocab[EndOfText];

    /// <summary>The tokenizer.json committed with the task (embedded resource).</summary>
    public static string EmbeddedJson()
    {
        using var stream = typeof(CountdownTokenizer).Assembly.GetManifestResourceStream("Reasoning.Tasks.Countdown.tokenizer.json")
            ?? throw new InvalidOperationException("The Countdown tokenizer.json resource is missing from Reasoning.Tasks; rebuild the project.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Loads the embedded tokenizer.</summary>
    public static CountdownTokenizer Load() => FromJson(EmbeddedJson());

    /// <summary>Reads a tokenizer.json produced by <see cref="CountdownTokenizerBuilder"/>.</summary>
    public static CountdownTokenizer FromJson(string json)
    {
        var root = JsonNode.Parse(json)?["model"] as JsonObject
            ?? throw new CountdownFormatException("tokenizer.json has no \"model\" object; build one with `reason countdown tokenizer --out DIR`.");
        var vocab = root["vocab"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());
        var ranks = new Dictionary<(string, string), int>();
        int rank = 0;
        foreach (var merge in root["merges"]!.AsArray())
        {
            var parts = merge!.GetValue<string>().Split(' ');
            ranks[(parts[0], parts[1])] = rank++;
        }
        var added = JsonNode.Parse(json)!["added_tokens"]!.AsArray();
        foreach (var token in added) vocab[token!["content"]!.GetValue<string>()] = token["id"]!.GetValue<int>();
        return new CountdownTokenizer(vocab, ranks);
    }

    /// <summary>Encodes text (no BOS/EOS added); <c>&lt;|endoftext|&gt;</c> in the text becomes its id.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        var ids = new List<int>();
        var pieces = text.Split(EndOfText);
        for (int p = 0; p < pieces.Length; p++)
        {
            if (p > 0) ids.Add(EndOfTextId);
            foreach (var chunk in PreTokenize(pieces[p]))
                foreach (var symbol in Merge(ByteLevelAlphabet.Encode(chunk)))
                    ids.Add(vocab[symbol]);
        }
        return ids;
    }

    /// <summary>Decodes ids back to text.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new System.Text.StringBuilder();
        var pending = new System.Text.StringBuilder();
        foreach (var id in ids)
        {
            if (idToToken[id] != EndOfText)
            {
                pending.Append(idToToken[id]);
                continue;
            }
            text.Append(DecodeSymbols(pending.ToString())).Append(EndOfText);
            pending.Clear();
        }
        return text.Append(DecodeSymbols(pending.ToString())).ToString();
    }

    /// <summary>The pre-tokenizer: each ASCII digit alone, the text between digits as one piece.</summary>
    public static IEnumerable<string> PreTokenize(string text) =>
        DigitSplit().Split(text).Where(s => s.Length > 0);

    private List<string> Merge(string word)
    {
        var symbols = word.Select(c => c.ToString()).ToList();
        while (symbols.Count > 1)
        {
            int best = -1, bestRank = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out var r) && r < bestRank) (best, bestRank) = (i, r);
            if (best < 0) break;
            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }
        return symbols;
    }

    /// <summary>The regex of the Split pre-tokenizer, kept to a form every regex engine reads alike.</summary>
    public const string DigitPattern = "[0-9]";

    private static string DecodeSymbols(string symbols) => ByteLevelAlphabet.TryDecode(symbols, out string text) ? text
        : throw new CountdownFormatException($"'{symbols}' holds a character outside the byte-level alphabet; decode only ids of this tokenizer.");

    [GeneratedRegex("([0-9])")] private static partial Regex DigitSplit();
}
