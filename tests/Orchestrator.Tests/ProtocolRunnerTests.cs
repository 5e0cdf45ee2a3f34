using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>The runner under scripted policies and scripted generations on real threads.</summary>
public sealed class ProtocolRunnerTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    /// <summary>A policy that is a function, and remembers what it saw.</summary>
    private sealed class Scripted(Func<PolicyStep, Decision> decide) : IProtocolPolicy
    {
        public List<Observation> Seen { get; } = [];

        public Decision Decide(PolicyStep step)
        {
            Seen.Add(step.Observation);
            return decide(step);
        }
    }

    /// <summary>Every generation appends "&lt;name&gt;;" to the thread: what each thread wrote is known in advance.</summary>
    private static readonly ProtocolRunner.GenerateStep Writes = (thread, options, ct) =>
    {
        string text = $"<{thread.Name}>;";
        thread.Append(text);
        return Task.FromResult(new ThreadGeneration(text, text.Length, FinishReason.Stop, null, -1, false));
    };

    private static readonly Decision.Continue Go = new(new ThreadGenerationOptions());

    private static Scripted Once(string reason = "done") => new(step => step.Observation is Observation.Started ? Go : new Decision.Stop(StopOutcome.Finished(reason)));

    private ProtocolRunner Runner(ThreadBudget? budget = null, ProtocolLimits? limits = null) =>
        new(new ThreadRun(_engine, new ByteCodec(), budget), limits, Writes);

    [Fact(Timeout = 60_000)]
    public async Task A_scripted_policy_spawns_joins_as_text_and_stops()
    {
        int free = _engine.Pool.FreeCount;
        var children = new List<Scripted>();
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started => Go,
            Observation.Generated => new Decision.Spawn(["c0|", "c1|", "c2|"], i => { var p = Once("child " + i); children.Add(p); return p; }, i => $"kid{i}"),
            Observation.ChildrenDone done => new Decision.Join(JoinMode.Text, "[" + string.Join("+", done.Children.Select(c => c.Thread.Text)) + "]", TruncateAt: 2),
            Observation.Joined => new Decision.Stop(StopOutcome.Finished("ok")),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner();

        var result = await runner.RunAsync("p:", root);

        // The reference is written out: the prompt, the generated "<root>;" cut at 2 characters, the join text.
        result.Thread.Text.Should().Be("p:[c0|<kid0>;+c1|<kid1>;+c2|<kid2>;]");
        result.Outcome.Should().Be(StopOutcome.Finished("ok"));
        result.Rounds.Should().Be(1);
        result.Thread.Status.Should().Be(ThreadStatus.Finished);
        result.Thread.Children.Select(c => (c.Name, c.Status, c.EndReason)).Should().Equal(
            ("kid0", ThreadStatus.Finished, "child 0"), ("kid1", ThreadStatus.Finished, "child 1"), ("kid2", ThreadStatus.Finished, "child 2"));
        root.Seen.Select(o => o.GetType().Name).Should().Equal("Started", "Generated", "ChildrenDone", "Joined");
        children.Should().HaveCount(3).And.OnlyContain(c => c.Seen.Count == 2);

        var events = await TreeComparison.StructuralEvents(runner.Run);
        events.Should().Equal(
            "started 0 parent  'root'",
            "started 1 parent 0 'kid0'", "started 2 parent 0 'kid1'", "started 3 parent 0 'kid2'",
            "spawned 0: 1,2,3",
            "ended 1 Finished 'child 0'", "ended 2 Finished 'child 1'", "ended 3 Finished 'child 2'",
            "joined 0: 1,2,3",
            "ended 0 Finished 'ok'");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    /// <summary>Spawns <paramref name="fanOut"/> children once and reports what came back.</summary>
    private static Scripted SpawnOnce(int fanOut) => new(step => step.Observation switch
    {
        Observation.Started => new Decision.Spawn([.. Enumerable.Repeat("x", fanOut)], _ => Once()),
        Observation.ChildrenDone => new Decision.Stop(StopOutcome.Finished("spawned")),
        Observation.Refused r => new Decision.Stop(StopOutcome.Failed(r.Error.Message)),
        var o => throw new InvalidOperationException(o.ToString()),
    });

    [Theory(Timeout = 60_000)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public async Task A_spawn_exactly_at_the_fan_out_limit_runs_and_one_more_is_refused(int fanOut, bool allowed)
    {
        var runner = Runner(new ThreadBudget { MaxFanOut = 4 });

        var result = await runner.RunAsync("p", SpawnOnce(fanOut));

        if (allowed)
        {
            result.Outcome.Should().Be(StopOutcome.Finished("spawned"));
            runner.Run.Threads.Should().HaveCount(5);
        }
        else
        {
            result.Outcome.Status.Should().Be(ThreadStatus.Failed);
            result.Outcome.Reason.Should().Contain("asked for 5 children").And.Contain("allows 4");
            runner.Run.Threads.Should().HaveCount(1, "a refused spawn creates no thread");
        }
        runner.Run.Dispose();
    }

    [Theory(Timeout = 60_000)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_thread_completes_exactly_MaxRounds_rounds_and_the_next_is_refused(int maxRounds)
    {
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started or Observation.Joined => new Decision.Spawn(["x"], _ => Once()),
            Observation.ChildrenDone => new Decision.Join(JoinMode.Text, "j"),
            Observation.Refused r => new Decision.Stop(StopOutcome.Failed(r.Error.Message)),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner(limits: new ProtocolLimits { MaxRounds = maxRounds });

        var result = await runner.RunAsync("p", root);

        result.Rounds.Should().Be(maxRounds);
        result.Thread.Rounds.Should().HaveCount(maxRounds);
        result.Thread.Text.Should().Be("p" + new string('j', maxRounds));
        result.Outcome.Reason.Should().Contain($"round {maxRounds + 1}").And.Contain($"allows {maxRounds} rounds");
        runner.Run.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task Children_nest_to_the_depth_budget_and_a_spawn_below_it_is_refused()
    {
        string? refusal = null;
        Scripted Nested() => new(step => step.Observation switch
        {
            Observation.Started => new Decision.Spawn(["x"], _ => Nested()),
            Observation.ChildrenDone => new Decision.Stop(StopOutcome.Finished("nested")),
            Observation.Refused r => new Decision.Stop(StopOutcome.Failed(refusal = r.Error.Message)),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner(new ThreadBudget { MaxDepth = 2 });

        var result = await runner.RunAsync("p", Nested());

        runner.Run.Threads.Select(t => t.Depth).Should().Equal(0, 1, 2);
        runner.Run.Threads[2].Status.Should().Be(ThreadStatus.Failed);
        refusal.Should().Contain("depth 2");
        result.Outcome.Should().Be(StopOutcome.Finished("nested"));
        runner.Run.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fork_that_then_stops_ends_the_parent_before_its_children_run_and_the_children_together()
    {
        int free = _engine.Pool.FreeCount;
        var root = new Scripted(step => new Decision.Fork(3, _ => Once(), i => $"f{i}", ThenStop: StopOutcome.Finished("forked"), EndChildrenTogether: true));
        var runner = Runner();

        var result = await runner.RunAsync("shared", root);

        result.Outcome.Should().Be(StopOutcome.Finished("forked"));
        result.Rounds.Should().Be(1);
        result.Thread.Children.Select(c => c.Text).Should().Equal("shared<f0>;", "shared<f1>;", "shared<f2>;");
        var events = await TreeComparison.StructuralEvents(runner.Run);
        events.Should().Equal(
            "started 0 parent  'root'", "started 1 parent 0 'f0'", "started 2 parent 0 'f1'", "started 3 parent 0 'f2'",
            "ended 0 Finished 'forked'", "ended 1 Finished 'done'", "ended 2 Finished 'done'", "ended 3 Finished 'done'");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_fork_past_the_thread_budget_is_refused_and_the_forks_made_so_far_end_without_leaking_pages()
    {
        int free = _engine.Pool.FreeCount;
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started => new Decision.Fork(4, _ => Once(), i => $"f{i}"),
            Observation.Refused r => new Decision.Stop(StopOutcome.Failed(r.Error.Message)),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner(new ThreadBudget { MaxThreads = 3 });

        var result = await runner.RunAsync("shared", root);

        result.Outcome.Reason.Should().Contain("the budget allows 3");
        result.Rounds.Should().Be(0);
        runner.Run.Threads.Skip(1).Select(t => (t.Status, t.EndReason)).Should().Equal((ThreadStatus.Failed, "fork failed"), (ThreadStatus.Failed, "fork failed"));
        runner.Run.Dispose();
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_policy_that_keeps_continuing_a_thread_with_no_tokens_left_is_stopped()
    {
        var runner = new ProtocolRunner(new ThreadRun(_engine, new ByteCodec()), null,
            (thread, options, ct) => Task.FromResult(new ThreadGeneration("", 0, FinishReason.Length, null, -1, true)));

        var result = await runner.RunAsync("p", new Scripted(_ => Go));

        result.Thread.Status.Should().Be(ThreadStatus.Failed);
        result.Outcome.Reason.Should().Contain("no tokens left");
        runner.Run.Dispose();
    }
}
