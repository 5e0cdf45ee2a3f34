using System.Buffers;
using System.Text;

namespace Reasoning.Engine.Io;

/// <summary>
/// Finds invalid UTF-8 in a file's bytes before they are parsed as JSON. <see cref="System.Text.Json.JsonDocument"/>
/// checks UTF-8 only when a string is read, and then throws <see cref="InvalidOperationException"/> from deep inside a
/// reader; checking first lets the reader report a damaged file with the file's own typed error and the byte offset.
/// </summary>
internal static class Utf8Text
{
    /// <summary>The offset of the first byte that is not valid UTF-8, or null when all of it is valid.</summary>
    public static long? FirstInvalidByte(ReadOnlySpan<byte> bytes)
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

    /// <summary>The sentence a format error gives for invalid UTF-8 at <paramref name="offset"/>.</summary>
    public static string Describe(long offset) =>
        $"is not valid UTF-8 text (byte {offset} is not part of a UTF-8 character); the file is damaged: download or copy it again.";
}
