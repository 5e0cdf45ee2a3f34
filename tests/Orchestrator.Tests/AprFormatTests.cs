using FluentAssertions;
using Reasoning.Orchestrator.Apr;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>The APR text protocol on traces written as in the paper (REFERENCES.md).</summary>
public sealed class AprFormatTests
{
    private const string ParentWithSpawn =
        "Moving to Node #0\n" +
        "Current State: 98:[44, 19, 35, 73], Operations: []\n" +
        "Exploring Operation: 44+19=63, Resulting Numbers: [35, 63, 73]\n" +
        "Generated Node #0,0: 98:[35, 63, 73] Operation: 44+19=63\n" +
        "Exploring Operation: 73-35=38, Resulting Numbers: [19, 38, 44]\n" +
        "Generated Node #0,1: 98:[19, 38, 44] Operation: 73-35=38\n" +
        "<Calling Sub Searches>\n" +
        "<Start Sub Search 0 at level 1> Moving to Node #0,0\n" +
        "<Start Sub Search 1 at level 1> Moving to Node #0,1\n" +
        "<End Calling Sub Searches>\n";

    [Fact]
    public void The_spawn_block_yields_one_call_per_start_line_and_where_it_begins()
    {
        var (start, calls) = AprFormat.ParseSpawnBlock(ParentWithSpawn);

        ParentWithSpawn[start..].Should().StartWith("<Calling Sub Searches>\n<Start Sub Search 0");
        calls.Should().HaveCount(2);
        calls[1].Should().Be(new AprChildCall(1, 1, "Moving to Node #0,1"));
        calls[1].Node.Should().Be("0,1");
    }

    [Fact]
    public void A_child_result_is_the_text_after_its_second_to_last_goal_reached_line()
    {
        var call = new AprChildCall(1, 1, "Moving to Node #0,1");
        string trace =
            "Moving to Node #0,1\nCurrent State: 98:[19, 38, 44], Operations: ['73-35=38']\n" +
            "Exploring Operation: 44+38=82, Resulting Numbers: [19, 82]\n" +
            "Generated Node #0,1,0: 98:[19, 82] Operation: 44+38=82\n" +
            "Moving to Node #0,1,0\nCurrent State: 98:[19, 82], Operations: ['73-35=38', '44+38=82']\n" +
            "Exploring Operation: 82+19=101, Resulting Numbers: [101]\n101,98 unequal: No Solution\n" +
            "Exploring Operation: 82-19=63, Resulting Numbers: [63]\n63,98 unequal: No Solution\n" +
            "98,98 equal: Goal Reached\n" +
            "Moving to Node #0\nCurrent State: 98:[44, 19, 35, 73], Operations: []\n" +
            "98,98 equal: Goal Reached\n";

        var outcome = AprFormat.ReadChild(call, trace);

        outcome.Solved.Should().BeTrue();
        outcome.Result.Should().Be("Moving to Node #0\nCurrent State: 98:[44, 19, 35, 73], Operations: []\n98,98 equal: Goal Reached");
    }

    [Fact]
    public void A_child_with_fewer_than_two_goal_lines_has_no_solution()
    {
        var outcome = AprFormat.ReadChild(new AprChildCall(0, 1, "Moving to Node #0,0"), "Moving to Node #0,0\n63,98 unequal: No Solution\n");
        outcome.Solved.Should().BeFalse();
    }

    [Fact]
    public void The_join_block_reports_every_child_in_call_order()
    {
        var calls = AprFormat.ParseSpawnBlock(ParentWithSpawn).Calls;
        string join = AprFormat.BuildJoinBlock([
            new AprChildOutcome(calls[0], false, ""),
            new AprChildOutcome(calls[1], true, "Moving to Node #0,1\n98,98 equal: Goal Reached"),
        ]);

        join.Should().Be(
            "<Sub Searches>\n" +
            "<No Solution in Sub Search 0 at level 1 at Node #0,0>\n" +
            "<Goal Reached in Sub Search 1 at level 1 at Node #0,1>\n" +
            "Moving to Node #0,1\n98,98 equal: Goal Reached\n" +
            "<End Sub Searches>\n");
    }

    [Theory]
    [InlineData("no end line at all", "no '<End Calling Sub Searches>'")]
    [InlineData("<Start Sub Search 0 at level 1> Moving to Node #0,0\n<End Calling Sub Searches>", "not preceded by '<Calling Sub Searches>'")]
    [InlineData("<Calling Sub Searches>\n<End Calling Sub Searches>", "calls no sub search")]
    [InlineData("<Calling Sub Searches>\n<Start Sub Search x at level 1> Node\n<End Calling Sub Searches>", "is not '<Start Sub Search i at level l> header'")]
    [InlineData("<Calling Sub Searches>\n<Start Sub Search 0 at level 1>\n<End Calling Sub Searches>", "has no node header")]
    public void A_malformed_spawn_block_is_a_clear_protocol_error(string text, string expected)
    {
        var act = () => AprFormat.ParseSpawnBlock(text);
        act.Should().Throw<AprProtocolException>().WithMessage("*" + expected + "*");
    }
}
