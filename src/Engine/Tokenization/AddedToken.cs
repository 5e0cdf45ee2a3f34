namespace Reasoning.Engine.Tokenization;

/// <summary>
/// A token from the "added_tokens" list of tokenizer.json: matched as a whole in the text before the model
/// sees it (special tokens such as <c>&lt;|im_start|&gt;</c>, and some normal ones).
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">The exact text it stands for.</param>
/// <param name="Special">Whether it is a control token (skipped by decoding with skipSpecialTokens).</param>
/// <param name="LStrip">Whether the whitespace before it belongs to it.</param>
/// <param name="RStrip">Whether the whitespace after it belongs to it.</param>
/// <param name="SingleWord">Whether it only matches where it is not inside a word.</param>
/// <param name="Normalized">Whether it is matched in the normalized text rather than the raw text.</param>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized);

/// <summary>A run of the input: either an added token or text for the normalizer, pre-tokenizer and model.</summary>
/// <param name="Text">The text of the run (for a token, its content).</param>
/// <param name="TokenId">The added token's id, or null for plain text.</param>
/// <param name="Start">Where the run starts in the text that was split.</param>
internal readonly record struct Segment(string Text, int? TokenId, int Start);

/// <summary>
/// Finds added tokens in a text: at each position the longest token that matches wins, scanning left to
/// right, honouring single_word, lstrip and rstrip.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
    }

    /// <summary>Splits <paramref name="text"/> into plain runs and added tokens, in order; empty plain runs are omitted.</summary>
    public List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        if (_byFirstChar.Count == 0)
        {
            segments.Add(new Segment(text, null, 0));
            return segments;
        }
        var plainStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var token = _byFirstChar.TryGetValue(text[i], out var candidates) ? Match(text, i, candidates) : null;
            if (token is null)
            {
                i++;
                continue;
            }
            var start = i;
            var end = i + token.Content.Length;
            if (token.LStrip)
                while (start > plainStart && char.IsWhiteSpace(text[start - 1]))
                    start--;
            if (token.RStrip)
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                    end++;
            if (start > plainStart)
                segments.Add(new Segment(text[plainStart..start], null, plainStart));
            segments.Add(new Segment(token.Content, token.Id, start));
            plainStart = i = end;
        }
        if (plainStart < text.Length)
            segments.Add(new Segment(text[plainStart..], null, plainStart));
        return segments;
    }

    private static AddedToken? Match(string text, int at, AddedToken[] candidates)
    {
        foreach (var token in candidates)
        {
            if (at + token.Content.Length > text.Length
                || string.CompareOrdinal(text, at, token.Content, 0, token.Content.Length) != 0)
                continue;
            if (token.SingleWord && (IsWordChar(text, at - 1) || IsWordChar(text, at + token.Content.Length)))
                continue;
            return token;
        }
        return null;
    }

    private static bool IsWordChar(string text, int index) =>
        index >= 0 && index < text.Length && (char.IsLetterOrDigit(text[index]) || text[index] == '_');
}
