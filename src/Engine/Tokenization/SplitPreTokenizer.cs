using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>What a Split pre-tokenizer does with the text a pattern matched (the "delimiter").</summary>
internal enum SplitBehavior
{
    /// <summary>The delimiter is dropped.</summary>
    Removed,
    /// <summary>The delimiter becomes a word of its own.</summary>
    Isolated,
    /// <summary>The delimiter is glued to the end of the word before it.</summary>
    MergedWithPrevious,
    /// <summary>The delimiter is glued to the start of the word after it.</summary>
    MergedWithNext,
    /// <summary>Consecutive delimiters form one word.</summary>
    Contiguous,
}

/// <summary>Splits a piece where a pattern matches (the GPT-2/Llama 3/Qwen word regexes are Split pre-tokenizers).</summary>
internal sealed class SplitPreTokenizer(Pattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    [ThreadStatic] private static List<(int Start, int Length)>? _matches;

    public static SplitPreTokenizer Read(JsonElement e, JsonFields json, string path)
    {
        var behavior = json.String(e, "behavior", path);
        if (!Enum.TryParse<SplitBehavior>(behavior, ignoreCase: false, out var parsed))
            throw json.Error($"{path}.behavior", $"unknown split behavior \"{behavior}\"; expected one of {string.Join(", ", Enum.GetNames<SplitBehavior>())}");
        return new SplitPreTokenizer(Pattern.Read(e, json, path), parsed, json.Bool(e, "invert", path, false));
    }

    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        var matches = _matches ??= new List<(int Start, int Length)>();
        pattern.Matches(text, matches);
        output.AddRange(Pieces(text, matches, invert, behavior));
    }

    /// <summary>Cuts <paramref name="text"/> at the matches and applies <paramref name="behavior"/> to them; empty pieces are dropped.</summary>
    public static IEnumerable<string> Pieces(string text, List<(int Start, int Length)> matches, bool invert, SplitBehavior behavior)
    {
        // Every span of the text, in order, tagged with whether it is a delimiter.
        var spans = new List<(int Start, int End, bool IsDelimiter)>(matches.Count * 2 + 1);
        var last = 0;
        foreach (var (start, length) in matches)
        {
            if (length == 0)
                continue;
            if (start > last)
                spans.Add((last, start, invert));
            spans.Add((start, start + length, !invert));
            last = start + length;
        }
        if (last < text.Length)
            spans.Add((last, text.Length, invert));

        var words = new List<(int Start, int End)>(spans.Count);
        switch (behavior)
        {
            case SplitBehavior.Removed:
                words.AddRange(spans.Where(s => !s.IsDelimiter).Select(s => (s.Start, s.End)));
                break;
            case SplitBehavior.Isolated:
                words.AddRange(spans.Select(s => (s.Start, s.End)));
                break;
            case SplitBehavior.MergedWithPrevious:
                for (var i = 0; i < spans.Count; i++)
                {
                    if (spans[i].IsDelimiter && i > 0 && !spans[i - 1].IsDelimiter)
                        words[^1] = (words[^1].Start, spans[i].End);
                    else
                        words.Add((spans[i].Start, spans[i].End));
                }
                break;
            case SplitBehavior.MergedWithNext:
                for (var i = spans.Count - 1; i >= 0; i--)
                {
                    if (spans[i].IsDelimiter && i < spans.Count - 1 && !spans[i + 1].IsDelimiter)
                        words[^1] = (spans[i].Start, words[^1].End);
                    else
                        words.Add((spans[i].Start, spans[i].End));
                }
                words.Reverse();
                break;
            case SplitBehavior.Contiguous:
                for (var i = 0; i < spans.Count; i++)
                {
                    if (spans[i].IsDelimiter && i > 0 && spans[i - 1].IsDelimiter)
                        words[^1] = (words[^1].Start, spans[i].End);
                    else
                        words.Add((spans[i].Start, spans[i].End));
                }
                break;
        }
        foreach (var (start, end) in words)
            if (end > start)
                yield return text[start..end];
    }
}
