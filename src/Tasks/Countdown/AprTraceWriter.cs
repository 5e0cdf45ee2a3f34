using System.Text;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// APR traces: the root runs the heuristic beam search; after expanding a node that kept more than one successor it
/// spawns, with probability <see cref="SearchSettings.PromisingThreshold"/>, one child per kept successor
/// (<c>&lt;Calling Sub Searches&gt;</c> … <c>&lt;End Calling Sub Searches&gt;</c>). Each child searches from its node
/// header with the children's beam and never spawns. The next root round replaces the spawn block by the join block
/// (<c>&lt;Sub Searches&gt;</c> … <c>&lt;End Sub Searches&gt;</c>); if a child succeeded the root restates the path and
/// stops, otherwise it continues its own search (further spawns allowed).
/// </summary>
public static class AprTraceWriter
{
    /// <summary>Writes a trace with settings drawn from <paramref name="seed"/> as APR's data script does.</summary>
    public static AprTrace Write(CountdownProblem problem, int seed)
    {
        var random = new Random(seed);
        return Write(problem, SearchSettings.RandomApr(random), random);
    }

    /// <summary>Writes a trace with the given settings and source of randomness.</summary>
    public static AprTrace Write(CountdownProblem problem, SearchSettings settings, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BeamSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.SubCallBeamSize, 1);
        var root = new SearchNode("0", null, problem.Numbers.Select(n => (long)n).ToArray(), [], 0);
        var thread = Search(root, problem.Target, settings.BeamSize, settings, random, level: 0,
            CountdownPrompts.Apr(problem).Length);
        return new AprTrace(problem, settings, thread.Thread);
    }

    private sealed record Searched(AprThread Thread, SearchNode? Goal);

    private static Searched Search(SearchNode start, int target, int beam, SearchSettings settings, Random random, int level, int promptLength)
    {
        var rounds = new List<AprRound>();
        var spawns = new List<IReadOnlyList<AprThread>>();
        var trace = new StringBuilder();
        SearchCore.Line(trace, TraceText.MovingToNode(start.Id));
        var open = new OpenSet();
        open.Push(start);

        Searched Finish(SearchNode? goal)
        {
            if (goal is null) SearchCore.Line(trace, TraceText.SearchFailed);
            rounds.Add(new AprRound(trace.ToString(), promptLength));
            string? result = goal is null ? null : SearchCore.RestatePath(goal, start.Id, target).TrimEnd('\n');
            return new Searched(new AprThread(start.Id, level, rounds, spawns, goal?.Operations, result), goal);
        }

        while (open.Count > 0)
        {
            var current = open.PopMany(beam);
            for (int i = 0; i < current.Count; i++)
            {
                var expansion = SearchCore.Expand(current[i], target, beam, random, trace);
                if (expansion.Goal is { } goal)
                {
                    trace.Append(SearchCore.RestatePath(goal, start.Id, target));
                    return Finish(goal);
                }
                var kids = expansion.ToExplore;
                bool spawn = level == 0 && kids.Count > 1 && random.NextDouble() < settings.PromisingThreshold;
                if (!spawn)
                {
                    foreach (var node in kids) open.Push(node);
                }
                else
                {
                    var children = kids.Select(n => Search(n.Copy(), target, settings.SubCallBeamSize, settings, random, level + 1,
                        CountdownPrompts.ChildHeader(n.Id, target, n.Numbers, n.Operations).Length)).ToList();
                    var before = trace.ToString();
                    SearchCore.Line(trace, TraceText.CallingSubSearches);
                    for (int c = 0; c < kids.Count; c++)
                        SearchCore.Line(trace, TraceText.StartChild(c, level + 1, kids[c].Id));
                    SearchCore.Line(trace, TraceText.EndCallingSubSearches);
                    rounds.Add(new AprRound(trace.ToString(), promptLength));
                    spawns.Add(children.Select(c => c.Thread).ToList());

                    trace.Clear().Append(before);
                    trace.Append(CountdownPrompts.JoinBlock(children.Select((c, k) => (k, level + 1, kids[k].Id, c.Thread.Result))));
                    promptLength = trace.Length;
                    var solved = children.FirstOrDefault(c => c.Goal is not null);
                    if (solved?.Goal is { } childGoal)
                    {
                        SearchCore.Line(trace, TraceText.Leaf(childGoal.Numbers[0], target));
                        trace.Append(SearchCore.RestatePath(childGoal, start.Id, target));
                        return Finish(childGoal);
                    }
                }
                if (i < current.Count - 1)
                    SearchCore.Line(trace, TraceText.MovingToNode(current[i + 1].Id));
            }
            if (open.Count > 0)
                SearchCore.Line(trace, TraceText.MovingToNode(open.Peek().Id));
        }
        return Finish(null);
    }
}
