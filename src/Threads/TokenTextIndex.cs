namespace Reasoning.Threads;

/// <summary>
/// Where each token of a thread's context ends in the thread's text, recorded as tokens are added, so that a text
/// offset maps to a token boundary without decoding the context again. Token k is a clean boundary when the text of
/// the first k tokens (decoded whole) is exactly the first <see cref="TextAt"/>(k) characters of the thread's text; a
/// token that ends inside a character (half of a UTF-8 sequence) is not one.
/// </summary>
/// <remarks>
/// A boundary is found by decoding a small window: the tokens since the clean boundary before the last one, and the
/// text they add beyond that boundary. Decoding a window with one clean segment of context in front keeps decoders
/// that look at their neighbours (a leading-space strip) right, as the engine's streaming decoder does.
/// </remarks>
internal sealed class TokenTextIndex
{
    private readonly ITextCodec _codec;
    private readonly List<int> _ids = [];
    private readonly List<int> _ends = [];
    // The last clean boundary (token count and text offset), and the clean boundary before it (the window's context).
    private int _last, _lastText, _context;
    private string? _beforeCache;

    public TokenTextIndex(ITextCodec codec) => _codec = codec;

    /// <summary>Tokens indexed.</summary>
    public int Count => _ids.Count;

    /// <summary>The text length after the first <paramref name="tokens"/> tokens, or −1 if that is not a clean boundary.</summary>
    public int TextAt(int tokens) => tokens == 0 ? 0 : _ends[tokens - 1];

    /// <summary>A copy (for a fork).</summary>
    public TokenTextIndex Clone()
    {
        var copy = new TokenTextIndex(_codec);
        copy._ids.AddRange(_ids);
        copy._ends.AddRange(_ends);
        (copy._last, copy._lastText, copy._context) = (_last, _lastText, _context);
        return copy;
    }

    /// <summary>Indexes tokens appended to the context; <paramref name="text"/> is the thread's whole text with theirs.</summary>
    public void Add(IReadOnlyList<int> ids, string text)
    {
        foreach (int id in ids)
        {
            _ids.Add(id);
            _beforeCache ??= _codec.Decode(_ids.GetRange(_context, _last - _context));
            string after = _codec.Decode(_ids.GetRange(_context, _ids.Count - _context));
            int end = -1;
            if (after.StartsWith(_beforeCache, StringComparison.Ordinal))
            {
                int added = after.Length - _beforeCache.Length;
                if (_lastText + added <= text.Length && string.CompareOrdinal(text, _lastText, after, _beforeCache.Length, added) == 0)
                    end = _lastText + added;
            }
            _ends.Add(end);
            if (end >= 0)
            {
                _context = _last;
                (_last, _lastText) = (_ids.Count, end);
                _beforeCache = null;
            }
        }
    }

    /// <summary>
    /// Inserts at token <paramref name="at"/> the entries of <paramref name="source"/>'s tokens [<paramref name="from"/>,
    /// <paramref name="to"/>), whose text (starting at <paramref name="sourceText"/> in the source's text) was inserted
    /// here at <paramref name="text"/>, <paramref name="textLength"/> characters; a source boundary past that text is no
    /// boundary here. Later entries move by the inserted text.
    /// </summary>
    public void InsertCopied(int at, TokenTextIndex source, int from, int to, int sourceText, int text, int textLength)
    {
        for (int k = at; k < _ends.Count; k++)
            if (_ends[k] >= 0)
                _ends[k] += textLength;
        var ends = new List<int>(to - from);
        for (int k = from; k < to; k++)
        {
            int end = source._ends[k] - sourceText;
            ends.Add(source._ends[k] < 0 || end > textLength ? -1 : end + text);
        }
        _ids.InsertRange(at, source._ids.GetRange(from, to - from));
        _ends.InsertRange(at, ends);
        Rescan();
    }

    /// <summary>The largest clean boundary at or before <paramref name="tokens"/>.</summary>
    public int CleanAtOrBefore(int tokens)
    {
        while (tokens > 0 && _ends[tokens - 1] < 0)
            tokens--;
        return tokens;
    }

    /// <summary>Keeps the first <paramref name="tokens"/> entries.</summary>
    public void Truncate(int tokens)
    {
        _ids.RemoveRange(tokens, _ids.Count - tokens);
        _ends.RemoveRange(tokens, _ends.Count - tokens);
        Rescan();
    }

    /// <summary>Removes the entries of tokens [<paramref name="from"/>, <paramref name="to"/>), whose text was <paramref name="textLength"/> characters.</summary>
    public void RemoveRange(int from, int to, int textLength)
    {
        _ids.RemoveRange(from, to - from);
        _ends.RemoveRange(from, to - from);
        for (int k = from; k < _ends.Count; k++)
            if (_ends[k] >= 0)
                _ends[k] -= textLength;
        Rescan();
    }

    // After an edit: the last two clean boundaries, found from the end.
    private void Rescan()
    {
        _beforeCache = null;
        (_last, _lastText, _context) = (0, 0, 0);
        int found = 0;
        for (int k = _ids.Count; k > 0 && found < 2; k--)
        {
            if (_ends[k - 1] < 0)
                continue;
            if (found == 0)
                (_last, _lastText) = (k, _ends[k - 1]);
            else
                _context = k;
            found++;
        }
    }
}
