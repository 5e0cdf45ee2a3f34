namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Turns generated ids into text as they arrive. Each <see cref="Push"/> returns only text that is final:
/// while the newest ids end in half a UTF-8 character (a byte-level token or a byte-fallback
/// <c>&lt;0xE4&gt;</c> that needs more bytes) nothing is returned for them. The concatenation of every
/// returned string and <see cref="Flush"/> equals <see cref="Tokenizer.Decode"/> of all the ids.
/// Not thread-safe: one decoder per generated sequence.
/// </summary>
/// <remarks>
/// Decoding works on a window: the text of the window's ids is compared with the text of the window minus
/// the new ids, and the difference is returned. Decoding the window alone (not only the new id) keeps
/// decoders that look at their neighbours (a leading-space strip, byte fallback) correct.
/// </remarks>
public sealed class StreamingDecoder : Generation.ITextStreamDecoder
{
    // A character is at most 4 UTF-8 bytes; more pending ids than that ending in U+FFFD is genuinely invalid text.
    private const int MaxPendingIds = 4;

    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _window = [];
    private int _readOffset;

    internal StreamingDecoder(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>
    /// Adds one generated id and returns the text it completed (often empty while a character is incomplete). An id
    /// the tokenizer has no token for adds no text, as Hugging Face's decode drops it: models often have more embedding
    /// rows than tokens (Qwen2.5: 151,936 rows, 151,665 tokens), and a sampler can pick a padding row.
    /// </summary>
    public string Push(int id)
    {
        if (_tokenizer.IdToToken(id) is null)
            return "";
        if (_skipSpecialTokens && _tokenizer.IsSpecial(id))
            return "";
        _window.Add(id);
        var before = _tokenizer.Decode(_window.Take(_readOffset));
        var after = _tokenizer.Decode(_window);
        var incomplete = after.EndsWith('\uFFFD') && _window.Count - _readOffset <= MaxPendingIds;
        if (after.Length <= before.Length || incomplete)
            return "";
        // The ids read so far become the context of the next window.
        _window.RemoveRange(0, _readOffset);
        _readOffset = _window.Count;
        return after[before.Length..];
    }

    /// <summary>Returns whatever text is still pending (an incomplete character becomes U+FFFD) and starts afresh.</summary>
    public string Flush()
    {
        var before = _tokenizer.Decode(_window.Take(_readOffset));
        var after = _tokenizer.Decode(_window);
        _window.Clear();
        _readOffset = 0;
        return after.Length > before.Length ? after[before.Length..] : "";
    }
}
