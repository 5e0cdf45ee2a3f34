using FluentAssertions;
using Reasoning.Orchestrator.Apr;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>A spawn block's calls are numbered 0, 1, 2, … in order, as its documentation says; anything else is refused.</summary>
public sealed class AprSpawnNumberingTests
{
    private static string Block(params int[] numbers) =>
        "Moving to Node #0\n<Calling Sub Searches>\n"
        + string.Concat(numbers.Select((n, i) => $"<Start Sub Search {n} at level 1> Moving to Node #0,{i}\n"))
        + "<End Calling Sub Searches>\n";

    [Theory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 0, 1 })]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 })]
    public void Calls_numbered_from_zero_in_order_are_accepted(int[] numbers)
    {
        var calls = AprFormat.ParseSpawnBlock(Block(numbers)).Calls;
        calls.Select(c => c.Index).Should().Equal(Enumerable.Range(0, numbers.Length));
        calls.Select(c => c.Node).Should().Equal(Enumerable.Range(0, numbers.Length).Select(i => $"0,{i}"));
    }

    [Theory]
    [InlineData(new[] { 1 }, 1)]
    [InlineData(new[] { 0, 2 }, 2)]
    [InlineData(new[] { 1, 0 }, 1)]
    [InlineData(new[] { 0, 0 }, 0)]
    [InlineData(new[] { 0, 1, 1 }, 1)]
    [InlineData(new[] { 0, 1, 2, 4 }, 4)]
    public void Calls_with_a_gap_a_repeat_or_out_of_order_are_refused(int[] numbers, int offending)
    {
        var act = () => AprFormat.ParseSpawnBlock(Block(numbers));
        act.Should().Throw<AprProtocolException>().WithMessage($"*sub search {offending} *numbered 0, 1, 2*");
    }
}
