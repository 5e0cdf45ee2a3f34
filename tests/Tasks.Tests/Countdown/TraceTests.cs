using FluentAssertions;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class TraceTests
{
    private static IEnumerable<(CountdownProblem Problem, int Seed)> Cases(int count, int numbers = 4) =>
        new ProblemGenerator(numbers).Generate(count, seed: 11).Select((p, i) => (p, 1000 + i));

    [Fact]
    public void Every_sos_trace_final_path_passes_the_checker_and_the_parser_round_trips_it()
    {
        int solved = 0, failed = 0;
        foreach (var (problem, seed) in Cases(150))
        {
            var trace = SosTraceWriter.Write(problem, seed);
            trace.Text.Should().StartWith(CountdownPrompts.Sos(problem) + "\n");
            var parsed = TraceParser.Parse(trace.Text);
            parsed.Render().Should().Be(trace.Text);
            if (trace.Solved)
            {
                solved++;
                parsed.Outcome.Should().Be(TraceOutcome.Solved);
                parsed.Solution.Should().Equal(trace.Solution);
                parsed.Check(problem).IsValid.Should().BeTrue(parsed.Check(problem).Message);
            }
            else
            {
                failed++;
                parsed.Outcome.Should().Be(TraceOutcome.Failed);
            }
        }
        solved.Should().BeGreaterThan(0);
        failed.Should().BeGreaterThan(0, "randomised beams make some searches fail and backtrack");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Every_apr_thread_round_trips_and_every_final_path_passes_the_checker(int numbers)
    {
        int spawned = 0;
        foreach (var (problem, seed) in Cases(numbers == 5 ? 25 : 120, numbers))
        {
            var trace = AprTraceWriter.Write(problem, seed);
            spawned += trace.ChildCount;
            trace.Text.Should().StartWith(CountdownPrompts.Apr(problem) + "\n");
            foreach (var thread in trace.Root.All())
            foreach (var round in thread.Rounds)
            {
                var parsed = TraceParser.Parse(round.Text);
                parsed.Render().Should().Be(round.Text);
                parsed.StartNodeId.Should().Be(thread.NodeId);
            }
            var final = TraceParser.Parse(trace.Text);
            final.Joins.Should().HaveCount(trace.Root.Spawns.Count(s => true) - (final.PendingSpawn is null ? 0 : 1));
            for (int j = 0; j < final.Joins.Count; j++)
            {
                final.Joins[j].Select(e => e.NodeId).Should().Equal(trace.Root.Spawns[j].Select(c => c.NodeId));
                final.Joins[j].Select(e => e.Result).Should().Equal(trace.Root.Spawns[j].Select(c => c.Result));
            }
            if (trace.Solved)
            {
                final.Solution.Should().Equal(trace.Root.Solution);
                final.Check(problem).IsValid.Should().BeTrue(final.Check(problem).Message);
            }
            foreach (var child in trace.Root.All().Skip(1).Where(c => c.Solution is not null))
            {
                TraceParser.ResultOf(child.Text).Should().Be(child.Result);
                TraceParser.Parse(child.Text).Check(problem).IsValid.Should().BeTrue();
            }
        }
        spawned.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Child_contexts_are_rebuilt_from_the_parent_trace_and_joins_reproduce_the_next_round()
    {
        int checkedSpawns = 0;
        foreach (var (problem, seed) in Cases(80))
        {
            var trace = AprTraceWriter.Write(problem, seed);
            for (int s = 0; s < trace.Root.Spawns.Count; s++)
            {
                var parentRound = trace.Root.Rounds[s].Text;
                var children = trace.Root.Spawns[s];
                var contexts = CountdownPrompts.Children(parentRound);
                contexts.Should().Equal(children.Select(c => c.Rounds[0].Prompt));
                var startLine = parentRound.Split('\n').First(l => l.StartsWith("<Start Sub Search 0 "));
                CountdownPrompts.Child(parentRound, startLine).Should().Be(contexts[0]);
                var next = CountdownPrompts.AfterJoin(parentRound.TrimEnd('\n'), children.Select(c => c.Text).ToList());
                next.Should().Be(trace.Root.Rounds[s + 1].Prompt);
                checkedSpawns++;
            }
        }
        checkedSpawns.Should().BeGreaterThan(10);
    }

    [Fact]
    public void Training_sequences_split_each_thread_into_prompt_and_completion()
    {
        var (problem, seed) = Cases(40).First(c => AprTraceWriter.Write(c.Problem, c.Seed).ChildCount > 0);
        var trace = AprTraceWriter.Write(problem, seed);
        var seqs = TrainingSequence.FromApr(trace).ToList();
        seqs.Should().HaveCount(trace.Root.Rounds.Count + trace.ChildCount);
        seqs[0].Prompt.Should().Be(CountdownPrompts.Apr(problem));
        seqs.Where(s => s.Kind == "apr-parent").Skip(1).Should().OnlyContain(s => s.Prompt.EndsWith("<End Sub Searches>\n"));
        seqs.Where(s => s.Kind == "apr-child").Should().OnlyContain(s => s.Prompt.StartsWith("Moving to Node #0,") && s.Completion.StartsWith("\n"));
        TrainingSequence.FromApr(trace, subCallBudget: true).First().Prompt.Should().StartWith($"Sub Call Budget: {trace.ChildCount} Moving to Node #0\n");
        var sos = TrainingSequence.FromSos(SosTraceWriter.Write(problem, seed));
        (sos.Prompt + sos.Completion).Should().StartWith("Current State: ");
        sos.ToJson().Should().Contain("\"kind\":\"sos\"").And.Contain("\"problem\":{\"numbers\":[");
    }
}
