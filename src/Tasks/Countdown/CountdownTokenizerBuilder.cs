using System.Text.Json.Nodes;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Builds the Countdown tokenizer.json (Hugging Face format): a byte-level BPE whose merges are learned from
/// traces of both formats. Digits are split one by one by the pre-tokenizer, as the large tokenizers do; the text
/// between digits (<c>], Resulting Numbers: [</c>, <c>\nGenerated Node #</c>, …) is what BPE learns, so each fixed
/// phrase ends up as one token or very few.
/// </summary>
public static class CountdownTokenizerBuilder
{
    /// <summary>The default vocabulary size: 256 bytes, the learned merges and <c>&lt;|endoftext|&gt;</c>.</summary>
    public const int DefaultVocabularySize = 512;

    /// <summary>Learns merges from <paramref name="texts"/> and returns the tokenizer.json text.</summary>
    public static string Build(IEnumerable<string> texts, int vocabularySize = DefaultVocabularySize)
    {
        if (vocabularySize < 258) throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize, "Needs room for the 256 bytes, one merge and the EOS token.");
        var words = new Dictionary<string, long>();
        foreach (var text in texts)
        foreach (var chunk in CountdownTokenizer.PreTokenize(text))
        {
            var w = ByteLevelAlphabet.Encode(chunk);
            words[w] = words.GetValueOrDefault(w) + 1;
        }
        var merges = LearnMerges(words, vocabularySize - 257);

        var vocab = new JsonObject();
        int id = 0;
        foreach (var c in ByteLevelAlphabet.Characters) vocab[c.ToString()] = id++;
        foreach (var (a, b) in merges)
            if (!vocab.ContainsKey(a + b)) vocab[a + b] = id++;
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = id, ["content"] = CountdownTokenizer.EndOfText, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = CountdownTokenizer.DigitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode?)(m.A + " " + m.B)).ToArray()),
            },
        };
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>The tokenizer_config.json that goes beside it (EOS, no BOS, the model's context).</summary>
    public static string Config() => new JsonObject
    {
        ["tokenizer_class"] = "PreTrainedTokenizerFast",
        ["eos_token"] = CountdownTokenizer.EndOfText,
        ["pad_token"] = CountdownTokenizer.EndOfText,
        ["bos_token"] = null,
        ["add_bos_token"] = false,
        ["add_eos_token"] = false,
        ["model_max_length"] = 4096,
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    /// <summary>The traces the committed tokenizer is learned from: SoS+ and every APR thread for 2,000 training problems.</summary>
    public static IEnumerable<string> DefaultCorpus()
    {
        var problems = new ProblemGenerator().Generate(2000, seed: 20250415).ToList();
        for (int i = 0; i < problems.Count; i++)
        {
            yield return SosTraceWriter.Write(problems[i], seed: i).Text;
            foreach (var thread in AprTraceWriter.Write(problems[i], seed: i).Root.All())
            foreach (var round in thread.Rounds)
                yield return round.Text;
        }
    }

    /// <summary>Classic BPE: repeatedly merge the most frequent adjacent pair (ties broken by ordinal order).</summary>
    private static List<(string A, string B)> LearnMerges(Dictionary<string, long> words, int count)
    {
        var corpus = words.Select(w => (Symbols: w.Key.Select(c => c.ToString()).ToList(), Count: w.Value)).ToList();
        var merges = new List<(string, string)>();
        while (merges.Count < count)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, n) in corpus)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + n;
            if (pairs.Count == 0) break;
            var best = pairs.OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First();
            if (best.Value < 2) break;
            merges.Add(best.Key);
            foreach (var (symbols, _) in corpus)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == best.Key.Item1 && symbols[i + 1] == best.Key.Item2)
                    {
                        symbols[i] += symbols[i + 1];
                        symbols.RemoveAt(i + 1);
                    }
        }
        return merges;
    }
}
