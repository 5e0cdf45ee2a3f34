using System.Text.Json.Nodes;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Writes a minimal complete Hugging Face <c>tokenizer.json</c>: a byte-level BPE whose vocabulary is the 256 byte
/// values (ids 0–255, no merges), given special tokens and, optionally, filler words up to a vocabulary size. Every
/// text encodes to its UTF-8 bytes (no merges, so never to a filler) and every id decodes, so a model folder with
/// random weights (<c>reason bench --shape</c>) can run <c>reason generate</c> like a real one and show its output.
/// </summary>
public static class ByteLevelTokenizerFile
{
    /// <summary>The content written for special token <paramref name="id"/>, e.g. <c>&lt;|special_297|&gt;</c>.</summary>
    public static string SpecialTokenContent(int id) => $"<|special_{id}|>";

    /// <summary>
    /// The text filler id <paramref name="id"/> decodes to: a space and the id − 256 in bijective base 26 over a–z
    /// (256 → " a", 281 → " z", 282 → " aa"), distinct for every id.
    /// </summary>
    public static string FillerToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(id, 256);
        var letters = new Stack<char>();
        for (int n = id - 256 + 1; n > 0; n = (n - 1) / 26)
            letters.Push((char)('a' + (n - 1) % 26));
        return " " + new string([.. letters]);
    }

    /// <summary>
    /// Writes the file to <paramref name="path"/> (through a temporary file, so a reader never sees half of it).
    /// </summary>
    /// <param name="path">Where to write, usually <c>DIR/tokenizer.json</c>.</param>
    /// <param name="specialIds">Ids of the special tokens (e.g. the model's end-of-sequence ids); each must be 256 or more.</param>
    /// <param name="vocabSize">
    /// When given, every other id from 256 to <paramref name="vocabSize"/> − 1 decodes to a filler word,
    /// <see cref="FillerToken"/> (a space and lowercase letters), so that text sampled from a random model is visible.
    /// </param>
    /// <exception cref="ArgumentException">A special id is below 256 (taken by a byte) or repeated.</exception>
    public static void Write(string path, IEnumerable<int> specialIds, int? vocabSize = null)
    {
        var specials = specialIds.ToList();
        if (specials.Any(id => id < 256))
            throw new ArgumentException($"special token ids must be 256 or more (0–255 are the bytes); got {string.Join(", ", specials.Where(id => id < 256))}.", nameof(specialIds));
        if (specials.Distinct().Count() != specials.Count)
            throw new ArgumentException("special token ids must be distinct.", nameof(specialIds));

        // Special ids inside the vocabulary hold their own content there too, as Llama 2's <s> and </s> do.
        var special = specials.ToHashSet();
        var tokens = Enumerable.Range(256, Math.Max(0, (vocabSize ?? 0) - 256))
            .Select(id => special.Contains(id) ? SpecialTokenContent(id) : ByteLevelAlphabet.ByteToChar[' '] + FillerToken(id)[1..]);
        string json = Json(tokens, specials.Select(id => (id, SpecialTokenContent(id))));
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(json));
    }

    // ids 0–255 the bytes in the byte alphabet, then the tokens in order; no merges.
    private static string Json(IEnumerable<string> tokens, IEnumerable<(int Id, string Content)> specials)
    {
        var vocab = new JsonObject();
        int id = 0;
        foreach (char c in ByteLevelAlphabet.ByteToChar)
            vocab[c.ToString()] = id++;
        foreach (string token in tokens)
            vocab[token] = id++;
        JsonObject ByteLevel() => new() { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false };
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(specials.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id, ["content"] = s.Content, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(),
            ["post_processor"] = null,
            ["decoder"] = ByteLevel(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(),
            },
        };
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
