using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class ProcessRewardsTests
{
    private static readonly PartialSolution[] Solutions = [new("p", ["a", "b"]), new("p", ["a"])];

    [Fact]
    public void Scores_of_the_right_shape_in_range_pass()
    {
        IReadOnlyList<IReadOnlyList<double>> scores = [[0, 1], [0.5]];
        ProcessRewards.Validate(Solutions, scores).Should().BeSameAs(scores);
    }

    [Theory]
    [InlineData(new[] { 0.1, 0.2 }, new double[0], "solution 1 has 1 steps")]
    [InlineData(new[] { 0.1, 1.5 }, new[] { 0.3 }, "solution 0, step 1: score 1.5 is not in [0, 1]")]
    [InlineData(new[] { 0.1, double.NaN }, new[] { 0.3 }, "step 1: score NaN")]
    public void A_wrong_shape_or_a_score_out_of_range_is_named(double[] first, double[] second, string expected)
    {
        var act = () => ProcessRewards.Validate(Solutions, [first, second]);
        act.Should().Throw<InvalidScoreException>().WithMessage("*" + expected + "*");
    }

    [Fact]
    public void A_missing_solution_is_named()
    {
        var act = () => ProcessRewards.Validate(Solutions, [[0.1, 0.2]]);
        act.Should().Throw<InvalidScoreException>().WithMessage("*scores for 1 solutions; 2 were given*");
    }
}
