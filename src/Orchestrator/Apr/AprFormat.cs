using System.Text;
using System.Text.RegularExpressions;

namespace Reasoning.Orchestrator.Apr;

/// <summary>One child the parent asked for: <c>&lt;Start Sub Search {Index} at level {Level}&gt; {Header}</c>.</summary>
/// <param name="Index">The sub search's number.</param>
/// <param name="Level">Its level.</param>
/// <param name="Header">The rest of the line, e.g. <c>Moving to Node #0,1</c>.</param>
public sealed record AprChildCall(int Index, int Level, string Header)
{
    /// <summary>The call's line as the parent wrote it.</summary>
    public string Line => $"<Start Sub Search {Index} at level {Level}> {Header}";

    /// <summary>The node id named by the header (<c>0,1</c> in <c>Moving to Node #0,1</c>), or the whole header.</summary>
    public string Node => AprFormat.NodeOf(Header);
}

/// <summary>A child's outcome as the join block reports it.</summary>
/// <param name="Call">The call that started it.</param>
/// <param name="Solved">Whether its trace reached the goal (two <c>Goal Reached</c> lines).</param>
/// <param name="Result">The text after its second-to-last <c>Goal Reached</c> line (the restated path), when solved.</param>
public sealed record AprChildOutcome(AprChildCall Call, bool Solved, string Result);

/// <summary>
/// The text protocol of APR (Adaptive Parallel Reasoning, arXiv 2504.15466), letter for letter: the spawn block a
/// parent writes, the join block that replaces it, and how a child's result is read from its trace.
/// </summary>
public static partial class AprFormat
{
    /// <summary>Opens a spawn block.</summary>
    public const string CallStart = "<Calling Sub Searches>";
    /// <summary>Closes a spawn block; generation stops here so the runtime can start the children.</summary>
    public const string CallEnd = "<End Calling Sub Searches>";
    /// <summary>Opens a join block.</summary>
    public const string JoinStart = "<Sub Searches>";
    /// <summary>Closes a join block.</summary>
    public const string JoinEnd = "<End Sub Searches>";
    /// <summary>The line that marks success in a trace.</summary>
    public const string GoalReached = "Goal Reached";

    [GeneratedRegex(@"^<Start Sub Search (\d+) at level (\d+)>\s*(.*)$")]
    private static partial Regex CallLine();

    [GeneratedRegex(@"Node #([0-9,]+)")]
    private static partial Regex NodeId();

    internal static string NodeOf(string header)
    {
        var m = NodeId().Match(header);
        return m.Success ? m.Groups[1].Value : header.Trim();
    }

    /// <summary>
    /// Reads the spawn block that ends <paramref name="text"/> (the text must end with <see cref="CallEnd"/>, possibly
    /// followed by whitespace). Returns where the block starts (the offset of <see cref="CallStart"/>) and the calls.
    /// </summary>
    /// <exception cref="AprProtocolException">The block has no start line, no call, a line that does not parse, or
    /// calls whose numbers are not 0, 1, 2, …</exception>
    public static (int BlockStart, IReadOnlyList<AprChildCall> Calls) ParseSpawnBlock(string text)
    {
        int end = text.LastIndexOf(CallEnd, StringComparison.Ordinal);
        if (end < 0)
            throw new AprProtocolException($"the output has no '{CallEnd}' line.");
        int start = text.LastIndexOf(CallStart, end, StringComparison.Ordinal);
        if (start < 0)
            throw new AprProtocolException($"'{CallEnd}' is not preceded by '{CallStart}'.");
        string body = text[(start + CallStart.Length)..end];
        var calls = new List<AprChildCall>();
        foreach (var raw in body.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0)
                continue;
            var m = CallLine().Match(line);
            if (!m.Success || !int.TryParse(m.Groups[1].Value, out int index) || !int.TryParse(m.Groups[2].Value, out int level))
                throw new AprProtocolException($"the spawn block holds a line that is not '<Start Sub Search i at level l> header': '{Truncate(line)}'.");
            if (m.Groups[3].Value.Length == 0)
                throw new AprProtocolException($"sub search {index} has no node header.");
            // The join block reports children by these numbers: a gap or a repeat would make two children (or none)
            // answer to one number.
            if (index != calls.Count)
                throw new AprProtocolException($"sub search {index} is call {calls.Count + 1} of the block; calls are numbered 0, 1, 2, … in order.");
            calls.Add(new AprChildCall(index, level, m.Groups[3].Value.Trim()));
        }
        if (calls.Count == 0)
            throw new AprProtocolException("the spawn block calls no sub search.");
        return (start, calls);
    }

    /// <summary>
    /// APR's rule for a child's result: the text after the second-to-last <c>Goal Reached</c> line, or null when the
    /// trace holds fewer than two.
    /// </summary>
    public static string? ResultOf(string childTrace)
    {
        var lines = childTrace.Split('\n');
        var goals = new List<int>();
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Contains(GoalReached, StringComparison.Ordinal))
                goals.Add(i);
        if (goals.Count < 2)
            return null;
        return string.Join('\n', lines[(goals[^2] + 1)..]).Trim('\n');
    }

    /// <summary>A child's outcome from its trace, by <paramref name="resultOf"/> (APR's rule by default).</summary>
    public static AprChildOutcome ReadChild(AprChildCall call, string childTrace, Func<string, string?>? resultOf = null)
    {
        string? result = (resultOf ?? ResultOf)(childTrace);
        return new AprChildOutcome(call, result is not null, result ?? "");
    }

    /// <summary>The join block that replaces a spawn block, reporting each child in call order.</summary>
    public static string BuildJoinBlock(IReadOnlyList<AprChildOutcome> outcomes)
    {
        var sb = new StringBuilder();
        sb.Append(JoinStart).Append('\n');
        foreach (var o in outcomes)
        {
            var c = o.Call;
            if (o.Solved)
            {
                sb.Append($"<Goal Reached in Sub Search {c.Index} at level {c.Level} at Node #{c.Node}>\n");
                if (o.Result.Length > 0)
                    sb.Append(o.Result).Append('\n');
            }
            else
            {
                sb.Append($"<No Solution in Sub Search {c.Index} at level {c.Level} at Node #{c.Node}>\n");
            }
        }
        sb.Append(JoinEnd).Append('\n');
        return sb.ToString();
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
