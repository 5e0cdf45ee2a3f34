using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Reasoning.Engine.Io;

/// <summary>
/// Finds text a JSON string cannot hold before a file is parsed: bytes that are not UTF-8, and <c>\uD800</c>-style
/// escapes of half a surrogate pair. <see cref="System.Text.Json.JsonDocument"/> accepts both while parsing and
/// throws <see cref="InvalidOperationException"/> only when the string is read, deep inside a reader; checking first
/// lets each reader report the damaged file with its own typed error and the byte offset.
/// </summary>
internal static class JsonText
{
    /// <summary>What is wrong with the text of <paramref name="json"/> (a sentence starting "is not ..."), or null.</summary>
    public static string? FindTextError(ReadOnlySpan<byte> json, long offsetInFile = 0)
    {
        if (FirstInvalidByte(json) is { } invalid)
            return $"is not valid UTF-8 text (byte {offsetInFile + invalid} is not part of a UTF-8 character); the file is damaged: download or copy it again.";
        if (FirstLoneSurrogateEscape(json) is { } escape)
            return $"is not valid text: the escape at byte {offsetInFile + escape} is half of a UTF-16 surrogate pair, which no string can hold; the file is damaged: download or copy it again.";
        return null;
    }

    /// <summary>The offset of the first byte that is not valid UTF-8, or null when all of it is valid.</summary>
    private static long? FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
            return null;
        long offset = 0;
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out _, out int consumed) != OperationStatus.Done)
                return offset;
            bytes = bytes[consumed..];
            offset += consumed;
        }
        return null;
    }

    /// <summary>
    /// The offset of the first <c>\uXXXX</c> escape that is a high surrogate not followed by a low one, or a low one not
    /// preceded by a high one. Backslashes only occur in JSON inside strings, so no string tracking is needed.
    /// </summary>
    private static int? FirstLoneSurrogateEscape(ReadOnlySpan<byte> json)
    {
        for (int i = json.IndexOf((byte)'\\'); i >= 0 && i + 1 < json.Length;)
        {
            int next = i + 2;
            if (json[i + 1] == 'u' && Escape(json, i) is { } unit)
            {
                next = i + 6;
                if (char.IsLowSurrogate(unit))
                    return i;
                if (char.IsHighSurrogate(unit))
                {
                    if (Escape(json, next) is not { } low || !char.IsLowSurrogate(low))
                        return i;
                    next += 6;
                }
            }
            int rest = next < json.Length ? json[next..].IndexOf((byte)'\\') : -1;
            i = rest < 0 ? -1 : next + rest;
        }
        return null;
    }

    /// <summary>The code unit of the <c>\uXXXX</c> escape at <paramref name="at"/>, or null if there is none there.</summary>
    private static char? Escape(ReadOnlySpan<byte> json, int at) =>
        at + 6 <= json.Length && json[at] == '\\' && json[at + 1] == 'u'
        && Utf8Parser.TryParse(json.Slice(at + 2, 4), out ushort unit, out int consumed, 'X') && consumed == 4
            ? (char)unit
            : null;
}
