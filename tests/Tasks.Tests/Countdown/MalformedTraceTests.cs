using FluentAssertions;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class MalformedTraceTests
{
    private const string Head = "Moving to Node #0\nCurrent State: 24:[2, 3, 4], Operations: []\n";

    [Theory]
    [InlineData("", "empty")]
    [InlineData(Head + "Exploring Operation: 2+3=5, Resulting Numbers: [4, x]\n", "line 3")]
    [InlineData(Head + "Exploring Operation: 2+3=5, Resulting Numbers: [4, 99999999999999999999]\n", "64 bits")]
    [InlineData(Head + "Exploring Operation: 2+", "line 3")]
    [InlineData(Head + "<Calling Sub Searches>\n<Start Sub Search 0 at level 1> Moving to Node #0,0\n", "not closed")]
    [InlineData(Head + "<Sub Searches>\n<No Solution in Sub Search 0 at level 1 at Node #0,0>\n", "<End Sub Searches>")]
    [InlineData(Head + "<End Sub Searches>\n", "outside")]
    [InlineData("Moving to Node #0\n", "no 'Current State")]
    [InlineData(Head + "Current State: 99999999999:[1], Operations: []\n", "32 bits")]
    [InlineData(Head + "Current State: 24:[1], Operations: ['oops']\n", "not an operation")]
    [InlineData(Head + "<Calling Sub Searches>\n<End Calling Sub Searches>\nExploring Operation: 2+3=5, Resulting Numbers: [4, 5]\n", "text follows")]
    public void Malformed_traces_give_clear_errors_never_a_crash(string text, string fragment)
    {
        var act = () => TraceParser.Parse(text);
        act.Should().Throw<CountdownFormatException>().WithMessage($"*{fragment}*");
        TraceParser.TryParse(text, out var error).Should().BeNull();
        error.Should().Contain(fragment);
    }

    [Fact]
    public void A_truncated_trace_is_incomplete_and_check_says_why()
    {
        var trace = AprTraceWriter.Write(new CountdownProblem([2, 3, 4], 24), new SearchSettings(3, 0, 3), new Random(1)).Text;
        var cut = trace[..trace.LastIndexOf("Moving to Node", StringComparison.Ordinal)];
        var parsed = TraceParser.Parse(cut);
        parsed.Outcome.Should().Be(TraceOutcome.Incomplete);
        parsed.Check(new CountdownProblem([2, 3, 4], 24)).Message.Should().Contain("no second 'Goal Reached'");
    }

    [Fact]
    public void A_model_claiming_a_wrong_goal_fails_the_check_at_the_bad_step()
    {
        var text = Head + "Exploring Operation: 2*3=7, Resulting Numbers: [4, 7]\nGenerated Node #0,0: 24:[4, 7] Operation: 2*3=7\n" +
                   "Exploring Operation: 4*7=24, Resulting Numbers: [24]\n24,24 equal: Goal Reached\nMoving to Node #0\n" +
                   "Current State: 24:[4, 7], Operations: ['2*3=7']\nExploring Operation: 4*7=24, Resulting Numbers: [24]\n24,24 equal: Goal Reached\n";
        var check = TraceParser.Parse(text).Check(new CountdownProblem([2, 3, 4], 24));
        check.Failure.Should().Be(CheckFailure.WrongResult);
        check.StepIndex.Should().Be(0);
    }

    [Fact]
    public void A_garbled_line_before_the_result_does_not_hide_the_stated_solution()
    {
        // APR's evaluation reads only the text after the second-to-last 'Goal Reached'; a model's broken line earlier
        // (here a node header cut short) makes the whole trace unparsable but must not lose the solution it states.
        var text = Head + "Exploring Operation: 2+3=5, Resulting Numbers: [4, 5]\nGenerated Node #0,0: 24:[4, 5], Operations: ['2+3=5'\n" +
                   "Exploring Operation: 2*3=6, Resulting Numbers: [4, 6]\nGenerated Node #0,1: 24:[4, 6] Operation: 2*3=6\n" +
                   "Exploring Operation: 4*6=24, Resulting Numbers: [24]\n24,24 equal: Goal Reached\nMoving to Node #0\n" +
                   "Current State: 24:[4, 6], Operations: ['2*3=6']\nExploring Operation: 4*6=24, Resulting Numbers: [24]\n24,24 equal: Goal Reached\n";
        TraceParser.TryParse(text, out var error).Should().BeNull();
        error.Should().Contain("line 4");

        var (solution, solutionError) = TraceParser.ReadSolution(text);
        solutionError.Should().BeNull();
        solution.Should().Equal("2*3=6", "4*6=24");
        SolutionChecker.Check(new CountdownProblem([2, 3, 4], 24), solution!).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData(Head + "Exploring Operation: 2+3=5, Resulting Numbers: [4, 5]\n", null)]
    [InlineData(Head + "24,24 equal: Goal Reached\nMoving to Node #0\nCurrent State: 24:[4, 6], Operations: ['2*3=6'\n24,24 equal: Goal Reached\n", "malformed")]
    public void A_trace_without_a_readable_result_states_no_solution(string text, string? fragment)
    {
        var (solution, error) = TraceParser.ReadSolution(text);
        solution.Should().BeNull();
        if (fragment is null) error.Should().BeNull();
        else error.Should().Contain(fragment);
    }

    [Fact]
    public void Child_context_for_an_unknown_node_is_a_clear_error()
    {
        var parent = Head + "<Calling Sub Searches>\n<Start Sub Search 0 at level 1> Moving to Node #0,5\n<End Calling Sub Searches>\n";
        var act = () => CountdownPrompts.Children(parent);
        act.Should().Throw<CountdownFormatException>().WithMessage("*never generated node #0,5*");
    }
}
