namespace Reasoning.Engine.Tokenization;

/// <summary>
/// GPT-2's reversible map between the 256 byte values and 256 printable characters: bytes that are
/// printable Latin-1 map to themselves, the others to U+0100 onwards. Byte-level BPE vocabularies are
/// written in this alphabet (a space is 'Ġ', a newline 'Ċ').
/// </summary>
public static class ByteLevelAlphabet
{
    /// <summary>The character standing for each byte value.</summary>
    internal static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>The character standing for each byte, in byte order.</summary>
    public static IReadOnlyList<char> Characters => ByteToChar;

    private static readonly Dictionary<char, byte> CharToByte = Enumerable.Range(0, 256)
        .ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    /// <summary>Encodes text as UTF-8 and writes each byte as its alphabet character.</summary>
    public static string Encode(string text)
    {
        var byteCount = System.Text.Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[256] : new byte[byteCount];
        Span<char> chars = byteCount <= 256 ? stackalloc char[256] : new char[byteCount];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        for (var i = 0; i < byteCount; i++)
            chars[i] = ByteToChar[bytes[i]];
        return new string(chars[..byteCount]);
    }

    /// <summary>
    /// Maps alphabet characters back to the text whose UTF-8 bytes they stand for; false when a character is outside
    /// the alphabet.
    /// </summary>
    public static bool TryDecode(string symbols, out string text)
    {
        var bytes = new byte[symbols.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            if (!CharToByte.TryGetValue(symbols[i], out bytes[i]))
            {
                text = "";
                return false;
            }
        }
        text = System.Text.Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>
    /// Appends the bytes a token stands for. A token with a character outside the alphabet (an added token
    /// such as a CJK word) contributes its own UTF-8 bytes, as the Hugging Face decoder does.
    /// </summary>
    public static void AppendBytes(string token, List<byte> output)
    {
        foreach (var c in token)
        {
            if (!CharToByte.ContainsKey(c))
            {
                output.AddRange(System.Text.Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (var c in token)
            output.Add(CharToByte[c]);
    }
}
