using System.Globalization;
using System.Text;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Canonical Unicode normalization (NFC and NFD) in managed code: decompose, order combining marks by class,
/// then (for NFC) recompose primary composites. <see cref="string.Normalize()"/> cannot be used because the
/// project runs in globalization-invariant mode, where it leaves text unchanged.
/// </summary>
internal static class UnicodeNormalization
{
    private const int HangulBase = 0xAC00, LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7;
    private const int VowelCount = 21, TrailCount = 28, HangulCount = 11172;

    private static readonly Lazy<Tables> Data = new(Tables.Parse);

    /// <summary>The text in Normalization Form C.</summary>
    public static string Nfc(string text) => IsTriviallyNormalized(text) ? text : Compose(Decompose(text));

    /// <summary>The text in Normalization Form D.</summary>
    public static string Nfd(string text) => IsTriviallyNormalized(text) ? text : ToText(Decompose(text));

    // ASCII text is in every normalization form.
    private static bool IsTriviallyNormalized(string text) => text.AsSpan().IndexOfAnyInRange((char)0x80, (char)0xFFFF) < 0;

    private static List<int> Decompose(string text)
    {
        var tables = Data.Value;
        var output = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (cp is >= HangulBase and < HangulBase + HangulCount)
            {
                var s = cp - HangulBase;
                output.Add(LeadBase + s / (VowelCount * TrailCount));
                output.Add(VowelBase + s % (VowelCount * TrailCount) / TrailCount);
                if (s % TrailCount != 0)
                    output.Add(TrailBase + s % TrailCount);
            }
            else if (tables.Decompositions.TryGetValue(cp, out var parts))
            {
                output.AddRange(parts);
            }
            else
            {
                output.Add(cp);
            }
        }
        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (var i = 1; i < output.Count; i++)
        {
            var ccc = tables.Ccc(output[i]);
            if (ccc == 0)
                continue;
            for (var j = i; j > 0 && tables.Ccc(output[j - 1]) > ccc; j--)
                (output[j - 1], output[j]) = (output[j], output[j - 1]);
        }
        return output;
    }

    private static string Compose(List<int> cps)
    {
        var tables = Data.Value;
        var result = new List<int>(cps.Count);
        var starter = -1;
        var lastCcc = 0;
        foreach (var cp in cps)
        {
            var ccc = tables.Ccc(cp);
            // A mark composes with the last starter unless a character between them blocks it.
            var unblocked = starter >= 0 && (result.Count - 1 == starter || (lastCcc != 0 && lastCcc < ccc));
            if (unblocked && TryCompose(tables, result[starter], cp, out var composite))
            {
                result[starter] = composite;
                continue;
            }
            if (ccc == 0)
                starter = result.Count;
            lastCcc = ccc;
            result.Add(cp);
        }
        return ToText(result);
    }

    private static bool TryCompose(Tables tables, int first, int second, out int composite)
    {
        if (first is >= LeadBase and < LeadBase + 19 && second is >= VowelBase and < VowelBase + VowelCount)
        {
            composite = HangulBase + ((first - LeadBase) * VowelCount + second - VowelBase) * TrailCount;
            return true;
        }
        if (first is >= HangulBase and < HangulBase + HangulCount && (first - HangulBase) % TrailCount == 0
            && second is > TrailBase and < TrailBase + TrailCount)
        {
            composite = first + second - TrailBase;
            return true;
        }
        return tables.Compositions.TryGetValue(((long)first << 32) | (uint)second, out composite);
    }

    private static string ToText(List<int> cps)
    {
        var builder = new StringBuilder(cps.Count);
        foreach (var cp in cps)
            builder.Append(char.ConvertFromUtf32(cp));
        return builder.ToString();
    }

    private sealed class Tables
    {
        public readonly Dictionary<int, int[]> Decompositions = new();
        public readonly Dictionary<long, int> Compositions = new();
        private readonly Dictionary<int, byte> _combiningClasses = new();

        public int Ccc(int cp) => cp < 0x300 ? 0 : _combiningClasses.GetValueOrDefault(cp);

        public static Tables Parse()
        {
            var tables = new Tables();
            foreach (var entry in UnicodeNormalizationData.Decompositions.Split(';'))
            {
                var (cp, parts) = SplitOnce(entry, '=');
                tables.Decompositions[Hex(cp)] = parts.Split(',').Select(Hex).ToArray();
            }
            foreach (var entry in UnicodeNormalizationData.Compositions.Split(';'))
            {
                var (pair, composite) = SplitOnce(entry, '=');
                var (first, second) = SplitOnce(pair, '+');
                tables.Compositions[((long)Hex(first) << 32) | (uint)Hex(second)] = Hex(composite);
            }
            foreach (var entry in UnicodeNormalizationData.CombiningClasses.Split(';'))
            {
                var (range, ccc) = SplitOnce(entry, ':');
                var dash = range.IndexOf('-');
                var (start, end) = dash < 0 ? (Hex(range), Hex(range)) : (Hex(range[..dash]), Hex(range[(dash + 1)..]));
                for (var cp = start; cp <= end; cp++)
                    tables._combiningClasses[cp] = byte.Parse(ccc, CultureInfo.InvariantCulture);
            }
            return tables;
        }

        private static (string, string) SplitOnce(string text, char separator)
        {
            var at = text.IndexOf(separator);
            return (text[..at], text[(at + 1)..]);
        }

        private static int Hex(string text) => int.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
