using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class StepScoreAggregationTests
{
    [Theory]
    [InlineData(StepAggregation.Last, 0.5)]
    [InlineData(StepAggregation.Min, 0.25)]
    [InlineData(StepAggregation.Product, 0.9 * 0.25 * 0.5)]
    public void Aggregates_by_last_min_and_product(StepAggregation aggregation, double expected) =>
        StepScoreAggregation.Aggregate([0.9, 0.25, 0.5], aggregation).Should().BeApproximately(expected, 1e-15);

    [Fact]
    public void No_steps_is_an_error() =>
        FluentActions.Invoking(() => StepScoreAggregation.Aggregate([], StepAggregation.Min)).Should().Throw<ArgumentException>().WithMessage("*no step scores*");
}
