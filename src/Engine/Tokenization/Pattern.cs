using System.Text;
using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// The "pattern" of a Split pre-tokenizer or a Replace normalizer/decoder: either a literal string
/// (<c>{"String": " "}</c>) or an Oniguruma regular expression (<c>{"Regex": "\\s+"}</c>).
/// </summary>
internal sealed class Pattern
{
    private readonly string? _literal;
    private readonly OnigRegex? _regex;

    private Pattern(string? literal, OnigRegex? regex)
    {
        _literal = literal;
        _regex = regex;
    }

    /// <summary>Reads the "pattern" field of <paramref name="owner"/>.</summary>
    public static Pattern Read(JsonElement owner, JsonFields json, string path)
    {
        var pattern = json.Object(owner, "pattern", path);
        if (pattern.TryGetProperty("String", out var literal))
            return new Pattern(json.String(literal, $"{path}.pattern.String"), null);
        if (pattern.TryGetProperty("Regex", out var regex))
            return new Pattern(null, OnigRegex.Create(json.String(regex, $"{path}.pattern.Regex"), json.Source, $"{path}.pattern.Regex"));
        throw json.Error($"{path}.pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /// <summary>Every non-overlapping match, left to right, as (start, length).</summary>
    public void Matches(string text, List<(int Start, int Length)> output)
    {
        if (_regex is not null)
        {
            _regex.Matches(text, output);
            return;
        }
        output.Clear();
        if (_literal!.Length == 0)
            return;
        for (var at = text.IndexOf(_literal, StringComparison.Ordinal); at >= 0;
             at = text.IndexOf(_literal, at + _literal.Length, StringComparison.Ordinal))
            output.Add((at, _literal.Length));
    }

    /// <summary>Replaces every match with <paramref name="content"/>.</summary>
    public string ReplaceAll(string text, string content)
    {
        if (_literal is not null)
            return _literal.Length == 0 ? text : text.Replace(_literal, content, StringComparison.Ordinal);
        var matches = new List<(int Start, int Length)>();
        Matches(text, matches);
        if (matches.Count == 0)
            return text;
        var builder = new StringBuilder(text.Length);
        var last = 0;
        foreach (var (start, length) in matches)
        {
            builder.Append(text, last, start - last).Append(content);
            last = start + length;
        }
        return builder.Append(text, last, text.Length - last).ToString();
    }
}
