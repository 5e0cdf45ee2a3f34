using System.Text;

namespace Reasoning.Fuzz;

/// <summary>Seeded mutations of text and bytes: the small damage a model's output or a file on disk can take.</summary>
public static class Mutator
{
    private static readonly string[] Fragments =
    [
        "\n", " ", "#", ",", ":", "[", "]", "<", ">", "=", "+", "-", "*", "/", "0", "9", "-1", "99999999999", "\u00e9", "\ud83d\ude00", "\0",
        "<Calling Sub Searches>\n", "<End Calling Sub Searches>\n", "<Sub Searches>\n", "<End Sub Searches>\n",
        "<Start Sub Search 0 at level 1> Moving to Node #0,0\n", "Goal Reached\n", "Moving to Node #0\n",
        "Current State: 24:[1, 2], Operations: []\n", "Exploring Operation: 2*3=6, Resulting Numbers: [6]\n",
        "Generated Node #0,0: 24:[6] Operation: 2*3=6\n", "6,24 unequal: No Solution\n", "24,24 equal: Goal Reached\n",
    ];

    /// <summary>Applies 1 to 4 random mutations to <paramref name="text"/>.</summary>
    public static string Mutate(string text, Random random)
    {
        var s = new StringBuilder(text);
        int count = 1 + random.Next(4);
        for (int i = 0; i < count; i++)
        {
            int at = s.Length == 0 ? 0 : random.Next(s.Length + 1);
            int len = s.Length - at == 0 ? 0 : random.Next(Math.Min(40, s.Length - at) + 1);
            switch (random.Next(9))
            {
                case 0: s.Remove(at, len); break;
                case 1: s.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                case 2: s.Insert(at, s.ToString(at, len)); break;                                      // duplicate a span
                case 3: if (at < s.Length) s[at] = (char)random.Next(32, 127); break;
                case 4: if (at < s.Length && char.IsDigit(s[at])) s[at] = (char)('0' + random.Next(10)); else s.Insert(at, random.Next(-5, 1000)); break;
                case 5: s.Length = at; break;                                                           // truncate
                case 6: s.Insert(at, RandomText(random, random.Next(1, 30))); break;
                case 7: SwapLines(s, random); break;
                default: if (at < s.Length) s[at] = char.IsUpper(s[at]) ? char.ToLowerInvariant(s[at]) : char.ToUpperInvariant(s[at]); break;
            }
        }
        return s.ToString();
    }

    /// <summary>Random printable text with newlines and protocol fragments.</summary>
    public static string RandomText(Random random, int pieces)
    {
        var s = new StringBuilder();
        for (int i = 0; i < pieces; i++)
            s.Append(random.Next(3) == 0 ? Fragments[random.Next(Fragments.Length)] : (char)random.Next(32, 127));
        return s.ToString();
    }

    private static void SwapLines(StringBuilder s, Random random)
    {
        var lines = s.ToString().Split('\n');
        if (lines.Length < 2)
            return;
        int a = random.Next(lines.Length), b = random.Next(lines.Length);
        (lines[a], lines[b]) = (lines[b], lines[a]);
        s.Clear().Append(string.Join('\n', lines));
    }

    /// <summary>Flips 1 to 8 random bits in <paramref name="bytes"/>[from..to).</summary>
    public static void FlipBits(byte[] bytes, int from, int to, Random random)
    {
        to = Math.Min(to, bytes.Length);
        if (to <= from)
            return;
        int flips = 1 + random.Next(8);
        for (int i = 0; i < flips; i++)
            bytes[random.Next(from, to)] ^= (byte)(1 << random.Next(8));
    }
}
