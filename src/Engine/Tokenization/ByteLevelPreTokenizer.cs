namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Byte-level pre-tokenization (GPT-2, Llama 3, Qwen): optionally a space before the piece, optionally the
/// GPT-2 word split, then every UTF-8 byte written as its <see cref="ByteLevelAlphabet"/> character.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, OnigRegex? words) : IPreTokenizer
{
    [ThreadStatic] private static List<(int Start, int Length)>? _matches;

    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        if (addPrefixSpace && !text.StartsWith(' '))
            text = " " + text;
        if (words is null)
        {
            output.Add(ByteLevelAlphabet.Encode(text));
            return;
        }
        var matches = _matches ??= new List<(int Start, int Length)>();
        words.Matches(text, matches);
        foreach (var piece in SplitPreTokenizer.Pieces(text, matches, invert: false, SplitBehavior.Isolated))
            output.Add(ByteLevelAlphabet.Encode(piece));
    }
}
