using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// SentencePiece-style pre-tokenization: spaces become the replacement character (usually '▁'), which is also
/// put before the text (always, only at the start of the input, or never), and the text is optionally split
/// before each replacement character.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, string prependScheme, bool split) : IPreTokenizer
{
    public static MetaspacePreTokenizer Read(JsonElement e, JsonFields json, string path)
    {
        var replacement = json.OptionalString(e, "replacement", path) ?? "\u2581";
        if (replacement.Length != 1)
            throw json.Error($"{path}.replacement", $"expected one character, found \"{replacement}\"");
        var scheme = json.OptionalString(e, "prepend_scheme", path)
                     ?? (json.Bool(e, "add_prefix_space", path, true) ? "always" : "never");
        if (scheme is not ("first" or "always" or "never"))
            throw json.Error($"{path}.prepend_scheme", $"expected \"first\", \"always\" or \"never\", found \"{scheme}\"");
        return new MetaspacePreTokenizer(replacement[0], scheme, json.Bool(e, "split", path, true));
    }

    /// <summary>Whether the replacement goes before pieces that start the input ("first") or before every piece ("always").</summary>
    public string PrependScheme => prependScheme;

    /// <summary>The character that stands for a space.</summary>
    public char Replacement => replacement;

    public void PreTokenize(string text, bool atStart, List<string> output)
    {
        text = text.Replace(' ', replacement);
        var prepend = prependScheme == "always" || (prependScheme == "first" && atStart);
        if (prepend && !text.StartsWith(replacement))
            text = replacement + text;
        if (!split)
        {
            output.Add(text);
            return;
        }
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == replacement)
            {
                output.Add(text[start..i]);
                start = i;
            }
        }
        if (start < text.Length)
            output.Add(text[start..]);
    }
}
