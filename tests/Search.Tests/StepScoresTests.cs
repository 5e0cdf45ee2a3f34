using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class StepScoresTests
{
    [Fact]
    public void Aggregates_by_last_min_and_product()
    {
        double[] s = [0.9, 0.2, 0.5];
        StepScores.Aggregate(s, StepAggregation.Last).Should().Be(0.5);
        StepScores.Aggregate(s, StepAggregation.Min).Should().Be(0.2);
        StepScores.Aggregate(s, StepAggregation.Product).Should().BeApproximately(0.09, 1e-15);
    }

    [Fact]
    public void No_scores_is_refused()
    {
        var act = () => StepScores.Aggregate([], StepAggregation.Min);
        act.Should().Throw<ArgumentException>().WithMessage("*no step scores*");
    }

    [Fact]
    public void Particle_weights_normalize_or_take_a_tempered_softmax()
    {
        new ParticleFiltering(3).Weights([0.2, 0.6, 0.2]).Should().Equal(0.2, 0.6, 0.2);
        new ParticleFiltering(3).Weights([0, 0, 0]).Should().Equal(1.0 / 3, 1.0 / 3, 1.0 / 3);
        var soft = new ParticleFiltering(2, ParticleWeighting.Softmax, temperature: 0.5).Weights([1.0, 0.0]);
        double e2 = Math.Exp(2);
        soft[0].Should().BeApproximately(e2 / (e2 + 1), 1e-12);
        soft[1].Should().BeApproximately(1 / (e2 + 1), 1e-12);
    }
}
