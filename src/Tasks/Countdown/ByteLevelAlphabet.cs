using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>GPT-2's byte-level alphabet: every byte as one printable character (space → Ġ, newline → Ċ).</summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();

    /// <summary>The character standing for each byte, in byte order.</summary>
    public static IReadOnlyList<char> Characters => ByteToChar;

    /// <summary>Maps text (UTF-8 bytes) to byte-level characters.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Maps byte-level characters back to text.</summary>
    public static string Decode(string symbols)
    {
        var bytes = new byte[symbols.Length];
        for (int i = 0; i < symbols.Length; i++)
        {
            int b = Array.IndexOf(ByteToChar, symbols[i]);
            if (b < 0) throw new CountdownFormatException($"'{symbols[i]}' is not a byte-level character; decode only ids of this tokenizer.");
            bytes[i] = (byte)b;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static char[] Build()
    {
        var map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return map;
    }
}
