using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

/// <summary>The best-first core on graphs, against Dijkstra's algorithm as the reference for the optimum.</summary>
public sealed class BestFirstSearchTests
{
    private sealed record Graph(int Nodes, List<(int To, double Cost)>[] Edges, HashSet<int> Goals);

    private sealed record PathState(int Node, IReadOnlyList<int> Path);

    private static Graph RandomGraph(int seed, int nodes = 40, int edgesPerNode = 3, int goals = 3)
    {
        var random = new Random(seed);
        var edges = Enumerable.Range(0, nodes).Select(_ => new List<(int, double)>()).ToArray();
        for (int u = 0; u < nodes; u++)
            for (int e = 0; e < edgesPerNode; e++)
            {
                int v = random.Next(nodes);
                if (v != u)
                    edges[u].Add((v, 1 + random.Next(20)));
            }
        var goalSet = new HashSet<int>();
        while (goalSet.Count < goals)
            goalSet.Add(1 + random.Next(nodes - 1));
        return new Graph(nodes, edges, goalSet);
    }

    // The reference: multi-target Dijkstra from the start, with a plain O(n²) minimum scan.
    private static double[] Dijkstra(Graph g, int from)
    {
        var dist = Enumerable.Repeat(double.PositiveInfinity, g.Nodes).ToArray();
        var done = new bool[g.Nodes];
        dist[from] = 0;
        for (int round = 0; round < g.Nodes; round++)
        {
            int u = -1;
            for (int i = 0; i < g.Nodes; i++)
                if (!done[i] && (u < 0 || dist[i] < dist[u]))
                    u = i;
            if (u < 0 || double.IsPositiveInfinity(dist[u]))
                break;
            done[u] = true;
            foreach (var (v, c) in g.Edges[u])
                dist[v] = Math.Min(dist[v], dist[u] + c);
        }
        return dist;
    }

    // A consistent heuristic: a fraction of the true distance to the nearest goal (computed on the reversed graph).
    private static double[] GoalDistance(Graph g)
    {
        var reversed = Enumerable.Range(0, g.Nodes).Select(_ => new List<(int, double)>()).ToArray();
        for (int u = 0; u < g.Nodes; u++)
            foreach (var (v, c) in g.Edges[u])
                reversed[v].Add((u, c));
        int super = g.Nodes;
        var withSuper = reversed.Append(g.Goals.Select(t => (t, 0.0)).ToList()).ToArray();
        return Dijkstra(new Graph(g.Nodes + 1, withSuper, []), super)[..g.Nodes];
    }

    private static Task<BestFirstOutcome<PathState>> Search(Graph g, Func<int, double> h, Func<int, bool>? mayExpand = null, List<int>? expanded = null) =>
        BestFirstSearch.RunAsync(new PathState(0, [0]), h(0), g.Goals.Contains(0),
            (s, _, _) =>
            {
                expanded?.Add(s.Node);
                return Task.FromResult<IReadOnlyList<Successor<PathState>>?>(
                    [.. g.Edges[s.Node].Select(e => new Successor<PathState>(new PathState(e.To, [.. s.Path, e.To]), e.Cost, h(e.To), g.Goals.Contains(e.To)))]);
            },
            mayExpand ?? (_ => true));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public async Task With_an_admissible_heuristic_it_finds_the_cheapest_goal_Dijkstra_finds(double weight)
    {
        int reachable = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            var g = RandomGraph(seed);
            double best = g.Goals.Min(t => Dijkstra(g, 0)[t]);
            var toGoal = GoalDistance(g);
            var outcome = await Search(g, n => double.IsPositiveInfinity(toGoal[n]) ? 1e6 : weight * toGoal[n]);
            if (double.IsPositiveInfinity(best))
            {
                outcome.Stop.Should().Be(BestFirstStop.Exhausted, $"seed {seed}: no goal is reachable");
                continue;
            }
            reachable++;
            outcome.Stop.Should().Be(BestFirstStop.Goal);
            outcome.GoalCost.Should().Be(best, $"seed {seed}");
            // The returned path is a real path of that cost ending at a goal.
            var path = outcome.Goal!.Path;
            g.Goals.Should().Contain(path[^1]);
            double cost = 0;
            for (int i = 0; i + 1 < path.Count; i++)
                cost += g.Edges[path[i]].Where(e => e.To == path[i + 1]).Min(e => e.Cost);
            cost.Should().Be(best, $"seed {seed}: the path's own edges");
        }
        reachable.Should().BeGreaterThan(40, "most random graphs reach a goal, so the test checks optima");
    }

    [Fact]
    public async Task A_goal_is_tested_when_popped_so_a_cheaper_goal_found_later_wins()
    {
        // 0 → 1 (goal) costs 10; 0 → 2 → 3 (goal) costs 1 + 1. Node 1 is generated first, but returning at generation
        // would give cost 10.
        var g = new Graph(4, [[(1, 10), (2, 1)], [], [(3, 1)], []], [1, 3]);
        var expanded = new List<int>();
        var outcome = await Search(g, _ => 0, expanded: expanded);
        outcome.Stop.Should().Be(BestFirstStop.Goal);
        outcome.Goal!.Path.Should().Equal(0, 2, 3);
        outcome.GoalCost.Should().Be(2);
        expanded.Should().Equal(0, 2);
        outcome.Open.Select(o => o.State.Node).Should().Equal(1);
    }

    [Fact]
    public async Task The_budget_check_stops_it_and_the_open_states_come_back_least_f_first()
    {
        // A chain with side branches: each expansion of node i pushes i+1 (cost 1) and a side node (cost 5).
        int n = 20;
        var edges = Enumerable.Range(0, 2 * n).Select(_ => new List<(int, double)>()).ToArray();
        for (int i = 0; i < n - 1; i++)
        {
            edges[i].Add((i + 1, 1));
            edges[i].Add((n + i, 5));
        }
        var g = new Graph(2 * n, edges, [n - 1]);
        var outcome = await Search(g, _ => 0, mayExpand: e => e < 3);
        outcome.Stop.Should().Be(BestFirstStop.Budget);
        outcome.Expansions.Should().Be(3);
        // Expanded 0, 1, 2: open are 3 (g 3), side of 0 (g 5), side of 1 (g 6), side of 2 (g 7).
        outcome.Open.Select(o => o.State.Node).Should().Equal(3, n, n + 1, n + 2);
        outcome.Open.Select(o => o.F).Should().Equal(3, 5, 6, 7);
    }

    [Fact]
    public async Task An_expansion_that_returns_null_stops_it_and_keeps_the_state_open()
    {
        var outcome = await BestFirstSearch.RunAsync("root", 0.5, false,
            (_, _, _) => Task.FromResult<IReadOnlyList<Successor<string>>?>(null), _ => true);
        outcome.Stop.Should().Be(BestFirstStop.Budget);
        outcome.Expansions.Should().Be(0);
        outcome.Open.Should().ContainSingle().Which.Should().Be(new OpenState<string>("root", 0, 0.5, false));
    }

    [Fact]
    public async Task Equal_f_states_leave_in_the_order_they_were_pushed()
    {
        var order = new List<string>();
        var outcome = await BestFirstSearch.RunAsync("r", 0, false, (s, _, _) =>
        {
            order.Add(s);
            IReadOnlyList<Successor<string>>? next = s == "r"
                ? [new("a", 1, 0, false), new("b", 0.5, 0.5, false), new("c", 0, 1, false)]
                : [];
            return Task.FromResult<IReadOnlyList<Successor<string>>?>(next);
        }, _ => true);
        outcome.Stop.Should().Be(BestFirstStop.Exhausted);
        order.Should().Equal("r", "a", "b", "c");
    }

    [Fact]
    public async Task A_bound_on_open_states_drops_those_of_greatest_f()
    {
        // The chain of the budget test: each expansion of i pushes i+1 (cost 1) and a side node (cost 5).
        int n = 6;
        var edges = Enumerable.Range(0, 2 * n).Select(_ => new List<(int, double)>()).ToArray();
        for (int i = 0; i < n - 1; i++)
        {
            edges[i].Add((i + 1, 1));
            edges[i].Add((n + i, 5));
        }
        var dropped = new List<int>();
        var outcome = await BestFirstSearch.RunAsync(0, 0, false, (s, _, _) => Task.FromResult<IReadOnlyList<Successor<int>>?>(
                [.. edges[s].Select(e => new Successor<int>(e.Item1, e.Item2, 0, e.Item1 == n - 1))]),
            _ => true, maxOpen: 2, dropped: dropped.Add);
        // Open after expanding 0: {1: 1, side0: 5}; after 1: {2: 2, side0: 5, side1: 6} drops side1; and so on.
        dropped.Should().Equal(n + 1, n + 2, n + 3, n + 4);
        outcome.Stop.Should().Be(BestFirstStop.Goal);
        outcome.Goal.Should().Be(n - 1);
        // side0 (f 5) ties with the goal (f 5) and was pushed first, so it was expanded (a dead end) before the goal.
        outcome.Expansions.Should().Be(6);
        outcome.Open.Should().BeEmpty();
    }

    [Fact]
    public async Task With_last_pushed_first_equal_f_states_go_deepest_first()
    {
        // Every state has f 0 (a flat heuristic, no step cost): first-pushed ties search breadth-first, last-pushed
        // ties depth-first, down the last child each time.
        async Task<List<string>> Order(bool lastPushedFirst)
        {
            var order = new List<string>();
            await BestFirstSearch.RunAsync("", 0, false, (s, _, _) =>
            {
                order.Add(s);
                return Task.FromResult<IReadOnlyList<Successor<string>>?>(s.Length < 2 ? [new(s + "a", 0, 0, false), new(s + "b", 0, 0, false)] : []);
            }, _ => true, lastPushedFirst: lastPushedFirst);
            return order;
        }
        (await Order(false)).Should().Equal("", "a", "b", "aa", "ab", "ba", "bb");
        (await Order(true)).Should().Equal("", "b", "bb", "ba", "a", "ab", "aa");
    }
}
