using System.Text.Json;

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

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteStartArray("added_tokens");
            foreach (var id in specials)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("content", SpecialTokenContent(id));
                w.WriteBoolean("single_word", false);
                w.WriteBoolean("lstrip", false);
                w.WriteBoolean("rstrip", false);
                w.WriteBoolean("normalized", false);
                w.WriteBoolean("special", true);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", false);
            w.WriteBoolean("trim_offsets", false);
            w.WriteBoolean("use_regex", false);
            w.WriteEndObject();
            w.WriteNull("post_processor");
            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteStartObject("vocab");
            for (var b = 0; b < 256; b++)
                w.WriteNumber(ByteLevelAlphabet.ByteToChar[b].ToString(), b);
            var special = specials.ToHashSet();
            for (var id = 256; id < (vocabSize ?? 0); id++)
                if (!special.Contains(id))
                    w.WriteNumber(ByteLevelAlphabet.ByteToChar[' '] + FillerToken(id)[1..], id);
            w.WriteEndObject();
            w.WriteStartArray("merges");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        string temp = path + ".tmp";
        try
        {
            File.WriteAllBytes(temp, buffer.ToArray());
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
