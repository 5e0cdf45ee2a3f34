using Reasoning.Threads;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>
/// A run's threads as the terminal shows them, built only from the run's event stream (<see cref="ThreadRun.Events"/>):
/// every thread at every level, its state, and its token count as tokens arrive (<see cref="TokensGenerated.TokenCount"/>
/// is the running count of the thread's current generation call).
/// </summary>
internal sealed class ThreadTreeView
{
    private sealed class Node(int id, string name)
    {
        public int Id { get; } = id;
        public string Name { get; } = name;
        public string State { get; set; } = "waiting";
        public long Tokens { get; set; }
        /// <summary>The count the last event of the current generation call reported.</summary>
        public int Segment { get; set; }
        public string? Reason { get; set; }
        public List<Node> Children { get; } = [];
    }

    private readonly Dictionary<int, Node> _nodes = [];
    private readonly List<Node> _roots = [];

    /// <summary>Threads seen so far.</summary>
    public int Count => _nodes.Count;

    /// <summary>Takes in one event.</summary>
    public void Apply(ReasoningEvent e)
    {
        switch (e)
        {
            case ThreadStarted s:
                var node = new Node(s.ThreadId, s.Name);
                _nodes[s.ThreadId] = node;
                if (s.ParentId is int parent && _nodes.TryGetValue(parent, out var p))
                    p.Children.Add(node);
                else
                    _roots.Add(node);
                break;
            case TokensGenerated t when _nodes.TryGetValue(t.ThreadId, out var n):
                // TokenCount counts the tokens of the current generation call so far; a count that does not grow
                // starts a new call (spawns and joins also end one).
                n.Tokens += t.TokenCount > n.Segment ? t.TokenCount - n.Segment : t.TokenCount;
                n.Segment = t.TokenCount;
                n.State = "running";
                break;
            case ThreadsSpawned s when _nodes.TryGetValue(s.ThreadId, out var n):
                n.State = "waiting for children";
                n.Segment = 0;
                break;
            case ThreadsJoined j when _nodes.TryGetValue(j.ThreadId, out var n):
                n.State = "running";
                n.Segment = 0;
                break;
            case ThreadEnded end when _nodes.TryGetValue(end.ThreadId, out var n):
                n.State = end.Status.ToString().ToLowerInvariant();
                n.Reason = end.Reason;
                break;
        }
    }

    /// <summary>
    /// The tree as lines of at most <paramref name="width"/> characters (before styling); at most
    /// <paramref name="maxLines"/> lines, the last then saying how many threads are not shown.
    /// </summary>
    public IReadOnlyList<string> Lines(bool styled, int width = int.MaxValue, int maxLines = int.MaxValue)
    {
        var plain = new List<(string Text, string? Colour)>();
        foreach (var root in _roots)
            Walk(root, "", "", plain);
        if (plain.Count == 0)
            plain.Add(("starting…", null));
        if (plain.Count > maxLines)
        {
            int hidden = plain.Count - (maxLines - 1);
            plain = [.. plain.Take(Math.Max(0, maxLines - 1)), ($"… {hidden} more threads", null)];
        }
        return plain.Select(l =>
        {
            string text = l.Colour is not null && l.Text.Length > width ? l.Text[..Math.Max(0, width - 1)] + "…" : l.Text;
            return styled && l.Colour is { } c ? $"\u001b[{c}m{text}\u001b[0m" : text;
        }).ToList();
    }

    private static void Walk(Node node, string lead, string childLead, List<(string, string?)> lines)
    {
        string label = $"{lead}{node.Name} {node.State} · {node.Tokens} tokens" + (node.Reason is { } r ? $" · {r}" : "");
        lines.Add((label, Colour(node)));
        for (int i = 0; i < node.Children.Count; i++)
        {
            bool last = i == node.Children.Count - 1;
            Walk(node.Children[i], childLead + (last ? "└── " : "├── "), childLead + (last ? "    " : "│   "), lines);
        }
    }

    // SGR colour codes: yellow running, green a goal, grey another ending, red a failure, blue waiting.
    private static string Colour(Node n) => n.State switch
    {
        "running" => "33",
        "finished" => n.Reason == "goal reached" ? "32" : "90",
        "failed" or "cancelled" => "31",
        _ => "34",
    };
}
