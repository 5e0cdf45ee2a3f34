using System.Globalization;
using Reasoning.Engine.Errors;

namespace Reasoning.Cli;

/// <summary>Parses sizes such as <c>512MiB</c>, <c>4GiB</c>, <c>1.5GB</c> or a plain byte count.</summary>
internal static class ByteSize
{
    public static long Parse(string text)
    {
        string t = text.Trim();
        var units = new (string Suffix, double Factor)[]
        {
            ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30), ("B", 1),
        };
        foreach (var (suffix, factor) in units)
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0)
                return (long)(v * factor);
        if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long bytes) && bytes > 0)
            return bytes;
        throw new InvalidRequestException($"'{text}' is not a size; write e.g. 512MiB, 4GiB or a byte count.");
    }
}
