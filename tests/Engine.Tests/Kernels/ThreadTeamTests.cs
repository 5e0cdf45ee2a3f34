using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class ThreadTeamTests
{
    [Fact]
    public void For_runs_every_part_exactly_once_over_many_regions()
    {
        using var team = new ThreadTeam(2);
        for (int region = 0; region < 2000; region++)
        {
            int count = region % 7 + 1;
            var hits = new int[count];
            team.For(count, i => Interlocked.Increment(ref hits[i]));
            hits.Should().OnlyContain(h => h == 1);
        }
    }

    [Fact]
    public void Regions_after_the_workers_fell_asleep_still_run()
    {
        using var team = new ThreadTeam(2);
        for (int region = 0; region < 5; region++)
        {
            Thread.Sleep(2);
            int sum = 0;
            team.For(10, i => Interlocked.Add(ref sum, i));
            sum.Should().Be(45);
        }
    }

    [Fact]
    public void An_exception_in_a_part_reaches_the_caller_and_the_team_stays_usable()
    {
        using var team = new ThreadTeam(2);
        var act = () => team.For(8, i => { if (i == 5) throw new InvalidOperationException("part 5 failed"); });
        act.Should().Throw<InvalidOperationException>().WithMessage("part 5 failed");
        int count = 0;
        team.For(8, _ => Interlocked.Increment(ref count));
        count.Should().Be(8);
    }

    [Fact]
    public void Nested_regions_run_inline_without_deadlock()
    {
        using var team = new ThreadTeam(2);
        int count = 0;
        team.For(4, _ => team.For(3, _ => Interlocked.Increment(ref count)));
        count.Should().Be(12);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_callers_from_two_threads_both_complete()
    {
        using var team = new ThreadTeam(2);
        int count = 0;
        var callers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int region = 0; region < 500; region++)
                team.For(4, _ => Interlocked.Increment(ref count));
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));
        count.Should().Be(2 * 500 * 4);
    }

    [Fact]
    public void Dispose_stops_the_workers_and_later_regions_run_inline()
    {
        var team = new ThreadTeam(3);
        team.Dispose();
        int count = 0;
        team.For(5, _ => count++);
        count.Should().Be(5);
    }
}
