using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class SearchArgumentTests
{
    [Fact]
    public void Unusable_settings_are_refused_with_the_parameter_named()
    {
        Action[] bad =
        [
            () => _ = new AStarSearch(children: 0),
            () => _ = new AStarSearch(stepCost: -0.1),
            () => _ = new AStarSearch(stepCost: double.NaN),
            () => _ = new AStarSearch(maxOpen: 0),
            () => _ = new BeamSearch(width: 0),
            () => _ = new BeamSearch(children: 0),
            () => _ = new ParticleFiltering(particles: 0),
            () => _ = new ParticleFiltering(temperature: 0),
            () => _ = new BestOfNSearch(samples: 0),
            () => _ = new SelfConsistencySearch(0, _ => null),
            () => new SearchBudget { MaxTotalTokens = 0 }.Validate(),
            () => new SearchBudget { MaxPrmCalls = 0 }.Validate(),
            () => new SearchBudget { MaxExpansions = 0 }.Validate(),
            () => new SearchBudget { MaxStepTokens = 0 }.Validate(),
        ];
        foreach (var act in bad)
            act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().NotBeNullOrEmpty();
        new SearchBudget().Validate();
    }

    [Fact]
    public void Names_say_the_method_and_its_size()
    {
        new AStarSearch(3).Name.Should().Be("astar@3");
        new BeamSearch(4, 2).Name.Should().Be("beam@4");
        new ParticleFiltering(8).Name.Should().Be("pf@8");
        new BestOfNSearch(16).Name.Should().Be("bon@16");
        new SelfConsistencySearch(5, _ => null).Name.Should().Be("cons@5");
    }
}
