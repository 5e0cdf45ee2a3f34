using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// SoS+ (the serial baseline): beam search ordered by <see cref="Heuristic.FactorDistance"/>. After expanding a node
/// the search, with probability <see cref="SearchSettings.PromisingThreshold"/>, dives depth-first into each kept
/// successor (<c>Start Sub Search at level l</c> … <c>Exit Sub Search at level l</c>); otherwise the successors join
/// the open set. On success it restates the path from <c>Moving to Node #0</c>.
/// </summary>
public static class SosTraceWriter
{
    /// <summary>Writes a trace with settings drawn from <paramref name="seed"/> as APR does.</summary>
    public static SosTrace Write(CountdownProblem problem, int seed)
    {
        var random = new Random(seed);
        return Write(problem, SearchSettings.RandomSos(random), random);
    }

    /// <summary>Writes a trace with the given settings and source of randomness.</summary>
    public static SosTrace Write(CountdownProblem problem, SearchSettings settings, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BeamSize, 1);
        var root = new SearchNode("0", null, problem.Numbers.Select(n => (long)n).ToArray(), [], 0);
        var trace = new StringBuilder();
        var goal = Search(root, problem.Target, settings, random, level: 0, trace);
        return new SosTrace(problem, settings, trace.ToString(), goal?.Operations);
    }

    private static SearchNode? Search(SearchNode start, int target, SearchSettings settings, Random random, int level, StringBuilder trace)
    {
        var open = new OpenSet();
        open.Push(start);
        while (open.Count > 0)
        {
            var current = open.PopMany(settings.BeamSize);
            for (int i = 0; i < current.Count; i++)
            {
                var expansion = SearchCore.Expand(current[i], target, settings.BeamSize, random, trace);
                if (expansion.Goal is { } goal)
                {
                    trace.Append(SearchCore.RestatePath(goal, "0", target));
                    return goal;
                }
                bool dive = random.NextDouble() < settings.PromisingThreshold;
                foreach (var node in expansion.ToExplore)
                {
                    if (!dive)
                    {
                        open.Push(node);
                        continue;
                    }
                    SearchCore.Line(trace, TraceText.StartDive(level + 1, node.Id));
                    var found = Search(node.Copy(), target, settings, random, level + 1, trace);
                    SearchCore.Line(trace, TraceText.ExitDive(level + 1));
                    if (found is not null) return found;
                    SearchCore.Line(trace, TraceText.DiveFailed);
                }
                if (i < current.Count - 1)
                    SearchCore.Line(trace, TraceText.MovingToNode(current[i + 1].Id));
            }
            if (open.Count > 0)
                SearchCore.Line(trace, TraceText.MovingToNode(open.Peek().Id));
        }
        SearchCore.Line(trace, TraceText.SearchFailed);
        return null;
    }
}
