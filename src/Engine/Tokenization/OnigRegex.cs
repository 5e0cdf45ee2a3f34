using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// A regular expression written for Oniguruma (the engine behind Hugging Face's Rust tokenizers), run on
/// .NET's <see cref="Regex"/> with the same results on tokenizer patterns:
/// <list type="bullet">
/// <item>possessive quantifiers (<c>X?+</c>, <c>X*+</c>, <c>X++</c>), which .NET lacks, become atomic groups
/// <c>(?&gt;X?)</c>;</item>
/// <item><c>\x{HHHH}</c> becomes a .NET escape;</item>
/// <item>Oniguruma matches code points while .NET matches UTF-16 units, so a character outside the Basic
/// Multilingual Plane would be two "surrogate" units that <c>\p{L}</c> or <c>\p{N}</c> never match. Text holding
/// such characters is matched on a stand-in string where each one is replaced by a BMP character of the same
/// Unicode category, and the match positions are mapped back.</item>
/// </list>
/// Compiled patterns are cached: tokenizers of one family share them.
/// </summary>
internal sealed class OnigRegex
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new();
    private static readonly Lazy<char[]> CategoryStandIns = new(BuildStandIns);

    private readonly Regex _regex;

    private OnigRegex(Regex regex) => _regex = regex;

    /// <summary>Translates and compiles <paramref name="pattern"/>; a pattern .NET cannot compile is a format error.</summary>
    public static OnigRegex Create(string pattern, string source, string path)
    {
        try
        {
            return new OnigRegex(Cache.GetOrAdd(pattern, static p => new Regex(
                Translate(p), RegexOptions.Compiled | RegexOptions.CultureInvariant)));
        }
        catch (ArgumentException e)
        {
            throw new TokenizerFormatException(source,
                $"{path}: the regular expression /{pattern}/ is not valid ({e.Message}); fix the pattern in the tokenizer file", e);
        }
    }

    /// <summary>Every match in <paramref name="text"/> as (start, length) in the original text's UTF-16 units.</summary>
    public void Matches(string text, List<(int Start, int Length)> output)
    {
        output.Clear();
        if (!HasSurrogates(text))
        {
            foreach (var m in _regex.EnumerateMatches(text))
                output.Add((m.Index, m.Length));
            return;
        }
        var (standIn, originalIndex) = MapSupplementary(text);
        foreach (var m in _regex.EnumerateMatches(standIn))
        {
            var start = originalIndex[m.Index];
            output.Add((start, originalIndex[m.Index + m.Length] - start));
        }
    }

    private static bool HasSurrogates(string text)
    {
        foreach (var c in text)
            if (char.IsSurrogate(c))
                return true;
        return false;
    }

    /// <summary>Replaces each surrogate pair by one stand-in character; index i of the result maps to originalIndex[i].</summary>
    private static (string StandIn, int[] OriginalIndex) MapSupplementary(string text)
    {
        var builder = new StringBuilder(text.Length);
        var originalIndex = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i++)
        {
            originalIndex.Add(i);
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                builder.Append(CategoryStandIns.Value[(int)category]);
                i++;
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        originalIndex.Add(text.Length);
        return (builder.ToString(), originalIndex.ToArray());
    }

    /// <summary>For each Unicode category, a non-ASCII BMP character of that category (found once, by scanning).</summary>
    private static char[] BuildStandIns()
    {
        var standIns = new char[32];
        for (var c = 0xFFFF; c >= 0xA1; c--)
        {
            if (c is >= 0xD800 and <= 0xDFFF)
                continue;
            standIns[(int)CharUnicodeInfo.GetUnicodeCategory((char)c)] = (char)c;
        }
        return standIns;
    }

    /// <summary>Rewrites Oniguruma-only syntax into .NET syntax; everything else is copied as written.</summary>
    internal static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var groupStarts = new Stack<int>();
        var atomStart = -1;
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                atomStart = output.Length;
                i = CopyEscape(pattern, i, output);
            }
            else if (c == '[')
            {
                atomStart = output.Length;
                i = CopyClass(pattern, i, output);
            }
            else if (c == '(')
            {
                groupStarts.Push(output.Length);
                output.Append(c);
                i++;
                atomStart = -1;
            }
            else if (c == ')')
            {
                atomStart = groupStarts.Count > 0 ? groupStarts.Pop() : -1;
                output.Append(c);
                i++;
            }
            else if (c is '?' or '*' or '+' or '{' && atomStart >= 0 && (c != '{' || IsCountQuantifier(pattern, i)))
            {
                var end = c == '{' ? pattern.IndexOf('}', i) + 1 : i + 1;
                output.Append(pattern, i, end - i);
                i = end;
                if (i < pattern.Length && pattern[i] == '+')
                {
                    // X?+ X*+ X++ are possessive in Oniguruma; X{n,m}+ repeats the counted group.
                    output.Insert(atomStart, c == '{' ? "(?:" : "(?>");
                    output.Append(c == '{' ? ")+" : ")");
                    i++;
                }
                else if (i < pattern.Length && pattern[i] == '?')
                {
                    output.Append('?');
                    i++;
                }
                atomStart = -1;
            }
            else
            {
                atomStart = c is '|' or '^' or '$' ? -1 : output.Length;
                output.Append(c);
                i++;
            }
        }
        return output.ToString();
    }

    private static bool IsCountQuantifier(string pattern, int open)
    {
        var close = pattern.IndexOf('}', open);
        return close > open + 1 && pattern.AsSpan(open + 1, close - open - 1).IndexOfAnyExcept("0123456789,") < 0;
    }

    private static int CopyEscape(string pattern, int i, StringBuilder output)
    {
        if (i + 1 >= pattern.Length)
            throw new ArgumentException("the pattern ends with a lone backslash");
        var kind = pattern[i + 1];
        if (kind == 'x' && i + 2 < pattern.Length && pattern[i + 2] == '{')
        {
            var close = pattern.IndexOf('}', i);
            var codePoint = int.Parse(pattern.AsSpan(i + 3, close - i - 3), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            foreach (var unit in char.ConvertFromUtf32(codePoint))
                output.Append($"\\u{(int)unit:X4}");
            return close + 1;
        }
        if (kind is 'p' or 'P' && i + 2 < pattern.Length && pattern[i + 2] == '{')
        {
            var close = pattern.IndexOf('}', i);
            output.Append(pattern, i, close + 1 - i);
            return close + 1;
        }
        if (kind == 'h')
        {
            output.Append("[0-9a-fA-F]");
            return i + 2;
        }
        output.Append(pattern, i, 2);
        return i + 2;
    }

    private static int CopyClass(string pattern, int i, StringBuilder output)
    {
        var depth = 0;
        var start = i;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }
            if (c == '[')
                depth++;
            else if (c == ']' && i > start + 1 && !(i == start + 2 && pattern[start + 1] == '^'))
            {
                depth--;
                if (depth == 0)
                {
                    output.Append(pattern, start, i + 1 - start);
                    return i + 1;
                }
            }
            i++;
        }
        throw new ArgumentException($"the character class starting at offset {start} is not closed");
    }
}
