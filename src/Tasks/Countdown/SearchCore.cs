using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>The pieces SoS+ and APR searches share: the open set, node expansion and the restated path.</summary>
internal static class SearchCore
{
    /// <summary>What expanding one node wrote and found.</summary>
    public readonly record struct Expansion(SearchNode? Goal, List<SearchNode> ToExplore);

    /// <summary>
    /// Writes a node's <c>Current State</c> line and its kept successors (sorted by heuristic, best
    /// <paramref name="beam"/> kept, shuffled), each with its <c>Exploring Operation</c> line and a leaf verdict or a
    /// <c>Generated Node</c> line. Stops at the first successor that reaches the target.
    /// </summary>
    public static Expansion Expand(SearchNode node, int target, int beam, Random random, StringBuilder trace)
    {
        Line(trace, TraceText.CurrentState(target, node.Numbers, node.Operations));
        var successors = node.Successors(target);
        var kept = successors.OrderBy(s => s.Heuristic).Take(beam).ToList();
        Shuffle(kept, random);
        int index = 0;
        var toExplore = new List<SearchNode>();
        foreach (var child in kept)
        {
            child.Id = $"{node.Id},{index}";
            var operation = child.Operations[^1];
            Line(trace, TraceText.Exploring(operation, child.Numbers));
            if (child.Numbers.Count == 1)
            {
                Line(trace, TraceText.Leaf(child.Numbers[0], target));
                if (child.Numbers[0] == target) return new Expansion(child, toExplore);
                continue;
            }
            Line(trace, TraceText.GeneratedNode(child.Id, target, child.Numbers, operation));
            index++;
            toExplore.Add(child);
        }
        return new Expansion(null, toExplore.OrderBy(n => n.Heuristic).ToList());
    }

    /// <summary>
    /// The path restated after <c>Goal Reached</c>: from <c>Moving to Node #start</c> down to the goal, each step as
    /// Current State / Exploring Operation / Generated Node / Moving to Node, ending with the equal line.
    /// </summary>
    public static string RestatePath(SearchNode goal, string startId, int target)
    {
        var chain = new List<SearchNode>();
        for (var n = goal; n is not null; n = n.Parent)
        {
            chain.Add(n);
            if (n.Id == startId) break;
        }
        chain.Reverse();
        var sb = new StringBuilder();
        Line(sb, TraceText.MovingToNode(startId));
        for (int i = 0; i + 1 < chain.Count; i++)
        {
            var (node, next) = (chain[i], chain[i + 1]);
            Line(sb, TraceText.CurrentState(target, node.Numbers, node.Operations));
            Line(sb, TraceText.Exploring(next.Operations[^1], next.Numbers));
            if (next.Numbers.Count == 1)
            {
                Line(sb, TraceText.Leaf(next.Numbers[0], target));
                break;
            }
            Line(sb, TraceText.GeneratedNode(next.Id, target, next.Numbers, next.Operations[^1]));
            Line(sb, TraceText.MovingToNode(next.Id));
        }
        return sb.ToString();
    }

    /// <summary>Appends a line and its newline.</summary>
    public static void Line(StringBuilder sb, string line) => sb.Append(line).Append('\n');

    /// <summary>Fisher–Yates, from the last element down, as Python's <c>random.shuffle</c>.</summary>
    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

/// <summary>The open set: lowest heuristic first, ties in insertion order.</summary>
internal sealed class OpenSet
{
    private readonly PriorityQueue<SearchNode, (double, long)> queue = new();
    private long sequence;

    public int Count => queue.Count;

    public void Push(SearchNode node) => queue.Enqueue(node, (node.Heuristic, sequence++));

    public SearchNode Pop() => queue.Dequeue();

    public SearchNode Peek() => queue.Peek();

    /// <summary>Takes up to <paramref name="n"/> best nodes.</summary>
    public List<SearchNode> PopMany(int n)
    {
        var taken = new List<SearchNode>();
        while (taken.Count < n && queue.Count > 0) taken.Add(queue.Dequeue());
        return taken;
    }
}
