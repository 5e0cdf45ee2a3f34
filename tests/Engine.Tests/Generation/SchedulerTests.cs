using FluentAssertions;
using Reasoning.Engine.Generation;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>The scheduling policy alone, over fake jobs and a fake page count (no model).</summary>
public sealed class SchedulerTests
{
    private sealed class Pages(int free)
    {
        public int Free = free;
    }

    // A job over a pool of 4-token pages: it holds ceil(fed / 4) pages once reserved.
    private sealed class Job(string name, int input, Pages pool) : ISchedulable
    {
        public string Name => name;
        public int Fed;
        public int Held;
        public int Remaining => input - Fed;
        public bool Preempted { get; set; }
        public int ResumePages => (input + 1 + 3) / 4;
        public bool CanPreempt => Held > 0;
        public bool WaitsForReader { get; set; }

        public bool TryReserve(int tokens)
        {
            int need = (Fed + tokens + 3) / 4 - Held;
            if (need > pool.Free)
                return false;
            pool.Free -= Math.Max(need, 0);
            Held += Math.Max(need, 0);
            return true;
        }

        public void Preempt()
        {
            pool.Free += Held;
            Held = 0;
            Fed = 0;
            Preempted = true;
        }

        public override string ToString() => name;
    }

    [Fact]
    public void Decode_rows_come_first_then_prompt_chunks_under_the_token_budget()
    {
        var pool = new Pages(100);
        var jobs = new[] { new Job("p1", 10, pool), new Job("d1", 1, pool), new Job("p2", 10, pool), new Job("d2", 1, pool) };
        var plan = new Scheduler(MaxStepTokens: 8, PrefillChunk: 4).Plan(jobs, () => pool.Free);
        plan.Rows.Select(r => (r.Job.Name, r.Tokens)).Should().Equal(("d1", 1), ("d2", 1), ("p1", 4), ("p2", 2));
        plan.Preempted.Should().BeNull();
        plan.Stalled.Should().BeFalse();
    }

    [Fact]
    public void A_job_that_cannot_get_pages_waits_while_the_others_run()
    {
        var pool = new Pages(1);
        var jobs = new[] { new Job("big", 8, pool), new Job("small", 3, pool) };
        var plan = new Scheduler(16, 16).Plan(jobs, () => pool.Free);
        plan.Rows.Select(r => r.Job.Name).Should().Equal("small");
        pool.Free.Should().Be(0);
    }

    [Fact]
    public void When_nothing_can_run_the_newest_job_holding_pages_is_preempted_never_the_oldest()
    {
        var pool = new Pages(0);
        var oldest = new Job("oldest", 9, pool) { Held = 2, Fed = 8 };
        var middle = new Job("middle", 9, pool) { Held = 2, Fed = 8 };
        var newest = new Job("newest", 4, pool);
        var plan = new Scheduler(16, 16).Plan(new[] { oldest, middle, newest }, () => pool.Free);
        plan.Rows.Should().BeEmpty();
        plan.Preempted.Should().BeSameAs(middle, "the newest holds no pages: preempting it would free nothing");
        middle.Preempted.Should().BeTrue();
        pool.Free.Should().Be(2);

        // The next plan: the oldest runs on the freed page; the preempted job waits until all of it fits.
        var next = new Scheduler(16, 16).Plan(new[] { oldest, middle, newest }, () => pool.Free);
        next.Rows.Select(r => r.Job.Name).Should().Equal("oldest", "newest");
        middle.Preempted.Should().BeTrue();
    }

    [Fact]
    public void With_no_page_to_free_the_plan_is_a_stall()
    {
        var pool = new Pages(0);
        var jobs = new[] { new Job("a", 5, pool) { Held = 1, Fed = 4 }, new Job("b", 5, pool) };
        var plan = new Scheduler(16, 16).Plan(jobs, () => pool.Free);
        plan.Stalled.Should().BeTrue("only the oldest holds pages, and the oldest is never preempted");
        jobs[0].Preempted.Should().BeFalse();
    }

    [Fact]
    public void A_preempted_job_resumes_when_its_whole_recomputation_fits_or_it_is_the_oldest()
    {
        var pool = new Pages(2);
        var other = new Job("other", 1, pool) { Held = 1 };
        var preempted = new Job("preempted", 12, pool) { Preempted = true };
        var plan = new Scheduler(16, 16).Plan(new[] { other, preempted }, () => pool.Free);
        plan.Rows.Select(r => r.Job.Name).Should().Equal("other");
        preempted.Preempted.Should().BeTrue("12 + 1 tokens need 4 pages and 2 are free");

        var alone = new Scheduler(16, 8).Plan(new[] { preempted }, () => pool.Free);
        alone.Rows.Should().ContainSingle().Which.Tokens.Should().Be(8, "the oldest resumes, one chunk at a time");
        preempted.Preempted.Should().BeFalse();
    }

    [Fact]
    public void A_job_whose_reader_is_behind_gets_no_row_and_the_others_run_as_if_it_were_not_there()
    {
        var pool = new Pages(100);
        var behind = new Job("behind", 1, pool) { Held = 1, WaitsForReader = true };
        var jobs = new[] { behind, new Job("d", 1, pool), new Job("p", 10, pool) };
        var plan = new Scheduler(MaxStepTokens: 8, PrefillChunk: 4).Plan(jobs, () => pool.Free);
        plan.Rows.Select(r => (r.Job.Name, r.Tokens)).Should().Equal(("d", 1), ("p", 4));
        plan.WaitingForReaders.Should().Equal(behind);
        behind.Held.Should().Be(1, "it keeps its pages");
        plan.OnlyReadersBehind(jobs.Length).Should().BeFalse();
    }

    [Fact]
    public void Jobs_whose_readers_are_behind_are_never_preempted_and_when_all_wait_it_is_no_stall_of_pages()
    {
        var pool = new Pages(0);
        var oldest = new Job("oldest", 1, pool) { Held = 2, Fed = 0, WaitsForReader = true };
        var newest = new Job("newest", 1, pool) { Held = 2, Fed = 0, WaitsForReader = true };
        var plan = new Scheduler(16, 16).Plan(new[] { oldest, newest }, () => pool.Free);
        plan.Rows.Should().BeEmpty();
        plan.Preempted.Should().BeNull("the newest holds pages but waits for its reader, which is no reason to drop its KV");
        newest.Preempted.Should().BeFalse();
        pool.Free.Should().Be(0);
        plan.OnlyReadersBehind(2).Should().BeTrue();

        // Once a reader catches up, its job runs again (here on pages it already holds).
        newest.WaitsForReader = false;
        var next = new Scheduler(16, 16).Plan(new[] { oldest, newest }, () => pool.Free);
        next.Rows.Select(r => r.Job.Name).Should().Equal("newest");
    }

    [Fact]
    public void With_the_oldest_waiting_for_its_reader_the_oldest_of_the_others_is_the_one_never_preempted()
    {
        var pool = new Pages(0);
        var paused = new Job("paused", 9, pool) { Held = 2, Fed = 8, WaitsForReader = true };
        var second = new Job("second", 9, pool) { Held = 2, Fed = 8 };
        var third = new Job("third", 9, pool) { Held = 2, Fed = 8 };
        var plan = new Scheduler(16, 16).Plan(new[] { paused, second, third }, () => pool.Free);
        plan.Preempted.Should().BeSameAs(third);
        paused.Preempted.Should().BeFalse();

        var empty = new Pages(0);
        var alone = new Scheduler(16, 16).Plan(
            new[] { new Job("paused", 9, empty) { Held = 2, Fed = 8, WaitsForReader = true }, new Job("second", 9, empty) { Held = 2, Fed = 8 } },
            () => empty.Free);
        alone.Preempted.Should().BeNull("the only running job is the oldest of those that may run");
        alone.Stalled.Should().BeTrue();
        alone.OnlyReadersBehind(2).Should().BeFalse("the second is short of pages: that is a stall");
    }
}
