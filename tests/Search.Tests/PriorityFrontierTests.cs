using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class PriorityFrontierTests
{
    [Fact]
    public void Popping_everything_gives_the_states_sorted_by_f_with_ties_in_push_order()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            var frontier = new PriorityFrontier<int>();
            // Quarter steps make many exact ties in g + h.
            var pushed = Enumerable.Range(0, rng.Next(0, 60)).Select(i => (State: i, G: rng.Next(0, 8) / 4.0, H: rng.Next(0, 8) / 4.0)).ToList();
            foreach (var p in pushed)
                frontier.Push(p.State, p.G, p.H);

            var popped = new List<(int State, double F)>();
            while (frontier.TryPop(out int state, out double f))
                popped.Add((state, f));

            // LINQ's OrderBy is a stable sort: equal keys keep their input (push) order.
            var expected = pushed.OrderBy(p => p.G + p.H).Select(p => (p.State, p.G + p.H)).ToList();
            popped.Should().Equal(expected);
            frontier.Count.Should().Be(0);
        }
    }

    [Fact]
    public void Interleaved_pushes_and_pops_match_a_linear_scan_for_the_least_f()
    {
        var rng = new Random(11);
        var frontier = new PriorityFrontier<string>();
        var reference = new List<(string State, double F, int Order)>();
        int order = 0;
        for (int op = 0; op < 4000; op++)
        {
            if (rng.Next(3) > 0 || reference.Count == 0)
            {
                double g = rng.Next(0, 5) * 0.5, h = rng.Next(0, 3) * 0.5;
                string state = $"s{order}";
                frontier.Push(state, g, h);
                reference.Add((state, g + h, order++));
            }
            else
            {
                var least = reference.Aggregate((a, b) => b.F < a.F || (b.F == a.F && b.Order < a.Order) ? b : a);
                reference.Remove(least);
                frontier.TryPop(out var state, out double f).Should().BeTrue();
                (state, f).Should().Be((least.State, least.F));
            }
            frontier.Count.Should().Be(reference.Count);
        }
    }

    [Fact]
    public void An_empty_frontier_pops_nothing_and_a_NaN_cost_is_refused()
    {
        var frontier = new PriorityFrontier<int>();
        frontier.TryPop(out _, out _).Should().BeFalse();

        var act = () => frontier.Push(1, double.PositiveInfinity, double.NegativeInfinity);
        act.Should().Throw<InvalidScoreException>().WithMessage("*not a number*");
    }

    [Fact]
    public void With_last_pushed_first_ties_leave_in_reverse_push_order()
    {
        var rng = new Random(8);
        for (int trial = 0; trial < 300; trial++)
        {
            var frontier = new PriorityFrontier<int>(lastPushedFirst: true);
            var pushed = Enumerable.Range(0, rng.Next(0, 60)).Select(i => (State: i, G: rng.Next(0, 8) / 4.0, H: rng.Next(0, 8) / 4.0)).ToList();
            foreach (var p in pushed)
                frontier.Push(p.State, p.G, p.H);
            var popped = new List<int>();
            while (frontier.TryPop(out int state, out _))
                popped.Add(state);
            popped.Should().Equal(pushed.OrderBy(p => p.G + p.H).ThenByDescending(p => p.State).Select(p => p.State));
        }
    }
}
