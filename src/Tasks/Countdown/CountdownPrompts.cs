using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// The exact text a runtime feeds a Countdown model, as APR's evaluation code builds it: the first prompt of SoS+
/// and APR, each child's context rebuilt from its parent's trace, and the parent's next prompt after a join.
/// Prompts carry no trailing newline (the model writes it); a join prompt ends after <c>&lt;End Sub Searches&gt;\n</c>.
/// A tokenizer's BOS token, if any, is the caller's to add.
/// </summary>
public static class CountdownPrompts
{
    /// <summary>SoS+: <c>[Token Budget: n ]Current State: 98:[44, 19, 35, 73], Operations: []</c>.</summary>
    public static string Sos(CountdownProblem problem, int? tokenBudget = null) =>
        (tokenBudget is { } n ? TraceText.TokenBudget(n) : "") +
        TraceText.CurrentState(problem.Target, problem.Numbers.Select(x => (long)x), []);

    /// <summary>APR root: <c>[Sub Call Budget: n ]Moving to Node #0\nCurrent State: 98:[44, 19, 35, 73], Operations: []</c>.</summary>
    public static string Apr(CountdownProblem problem, int? subCallBudget = null) =>
        (subCallBudget is { } n ? TraceText.SubCallBudget(n) : "") +
        ChildHeader("0", problem.Target, problem.Numbers.Select(x => (long)x).ToArray(), []);

    /// <summary>A thread's node header: <c>Moving to Node #id\nCurrent State: T:[..], Operations: [..]</c>.</summary>
    public static string ChildHeader(string nodeId, int target, IReadOnlyList<long> numbers, IReadOnlyList<string> operations) =>
        TraceText.MovingToNode(nodeId) + "\n" + TraceText.CurrentState(target, numbers, operations);

    /// <summary>
    /// The context of one child: given a <c>&lt;Start Sub Search i at level l&gt; Moving to Node #id</c> line of the parent,
    /// its header with numbers and operations rebuilt from the parent's <c>Moving to Node</c>/<c>Current State</c> pairs and
    /// <c>Generated Node</c> lines, as APR does. A parent's <c>Token Budget: n </c> prefix is passed on; a
    /// <c>Sub Call Budget: n </c> prefix is not.
    /// </summary>
    public static string Child(string parentTrace, string startLine)
    {
        var parsed = TraceParser.Parse(parentTrace);
        if (TraceParser.ParseLine(startLine.TrimEnd('\n'), 1) is not StartChildLine start)
            throw new CountdownFormatException($"'{startLine}' is not a '<Start Sub Search i at level l> Moving to Node #id' line.");
        return ChildFor(parsed, start.Id);
    }

    /// <summary>The contexts of all children requested by the parent's final spawn block, in order.</summary>
    public static IReadOnlyList<string> Children(string parentTrace)
    {
        var parsed = TraceParser.Parse(parentTrace);
        var pending = parsed.PendingSpawn ?? throw new CountdownFormatException(
            $"the parent trace does not end with a spawn block ('{TraceText.CallingSubSearches}' … '{TraceText.EndCallingSubSearches}'); there are no children to start.");
        return pending.Select(r => ChildFor(parsed, r.NodeId)).ToList();
    }

    /// <summary>
    /// The join block that replaces a spawn block: <c>&lt;Sub Searches&gt;</c>, one outcome per child (a solved child's
    /// result follows its line), <c>&lt;End Sub Searches&gt;</c>; every line ends with a newline.
    /// </summary>
    public static string JoinBlock(IEnumerable<(int Index, int Level, string NodeId, string? Result)> children)
    {
        var sb = new StringBuilder(TraceText.SubSearches).Append('\n');
        foreach (var (index, level, id, result) in children)
        {
            if (result is null)
            {
                sb.Append(TraceText.ChildFailed(index, level, id)).Append('\n');
                continue;
            }
            sb.Append(TraceText.ChildSolved(index, level, id)).Append('\n').Append(result).Append('\n');
        }
        return sb.Append(TraceText.EndSubSearches).Append('\n').ToString();
    }

    /// <summary>
    /// The parent's next prompt: its trace up to the last spawn block, then the join block built from the children's
    /// traces (each child's result by <see cref="TraceParser.ResultOf"/>, null when it found none).
    /// </summary>
    public static string AfterJoin(string parentTrace, IReadOnlyList<string> childTraces)
    {
        var parsed = TraceParser.Parse(parentTrace);
        var pending = parsed.PendingSpawn ?? throw new CountdownFormatException(
            "the parent trace does not end with a spawn block; only a thread waiting for children can be joined.");
        if (pending.Count != childTraces.Count)
            throw new CountdownFormatException($"the parent spawned {pending.Count} children but {childTraces.Count} child traces were given; pass one trace per child, in order.");
        int cut = parentTrace.LastIndexOf(TraceText.CallingSubSearches + "\n", StringComparison.Ordinal);
        if (cut < 0) cut = parentTrace.LastIndexOf(TraceText.CallingSubSearches, StringComparison.Ordinal);
        return parentTrace[..cut] + JoinBlock(pending.Select((r, i) => (i, r.Level, r.NodeId, TraceParser.ResultOf(childTraces[i]))));
    }

    private static string ChildFor(ParsedTrace parent, string nodeId)
    {
        var nodes = new Dictionary<string, (int Target, IReadOnlyList<long> Numbers, IReadOnlyList<string> Ops)>();
        var lines = parent.Lines;
        for (int i = 0; i + 1 < lines.Count; i++)
            if (lines[i] is MovingLine m && lines[i + 1] is StateLine s)
                nodes.TryAdd(m.Id, (s.Target, s.Numbers, s.Operations));
        foreach (var g in lines.OfType<GeneratedNodeLine>())
        {
            if (nodes.ContainsKey(g.Id)) continue;
            int comma = g.Id.LastIndexOf(',');
            var parentId = comma < 0 ? "" : g.Id[..comma];
            if (!nodes.TryGetValue(parentId, out var p))
                throw new CountdownFormatException(
                    $"'Generated Node #{g.Id}' has no known parent node #{parentId}: no 'Moving to Node #{parentId}' + 'Current State' pair or 'Generated Node #{parentId}' line precedes it.");
            nodes[g.Id] = (g.Target, g.Numbers, [.. p.Ops, g.Operation]);
        }
        if (!nodes.TryGetValue(nodeId, out var node))
            throw new CountdownFormatException($"the parent trace never generated node #{nodeId}; a child can only start from a 'Generated Node' of its parent.");
        var prefix = parent.ConditionPrefix is { } c && c.StartsWith("Token Budget", StringComparison.Ordinal) ? c : "";
        return prefix + ChildHeader(nodeId, node.Target, node.Numbers, node.Ops);
    }
}
