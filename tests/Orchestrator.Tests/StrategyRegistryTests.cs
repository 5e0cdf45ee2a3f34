using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Search;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

public sealed class StrategyRegistryTests
{
    [Theory]
    [InlineData("apr", "apr")]
    [InlineData(" SoS ", "sos")]
    [InlineData("sos+", "sos")]
    [InlineData("cons@7", "cons@7")]
    [InlineData("PASS@256", "pass@256")]
    [InlineData("astar", "astar")]
    [InlineData("A*", "astar")]
    [InlineData("bon@8", "bon@8")]
    [InlineData("beam@3", "beam@3")]
    [InlineData("pf@16", "pf@16")]
    public void Built_in_names_resolve_to_their_strategies(string text, string name)
    {
        StrategyRegistry.Default.Resolve(text).Name.Should().Be(name);
    }

    [Fact]
    public void Counted_names_carry_their_count_and_mode()
    {
        var cons = StrategyRegistry.Default.Resolve("cons@4").Should().BeOfType<ConsensusStrategy>().Subject;
        (cons.Traces, cons.Mode).Should().Be((4, ConsensusMode.Majority));
        StrategyRegistry.Default.Parse("pass@9").Should().Be(new StrategyName("pass", 9));
    }

    [Theory]
    [InlineData("beam")]
    [InlineData("cons")]
    [InlineData("cons@0")]
    [InlineData("cons@257")]
    [InlineData("apr@2")]
    [InlineData("astar@4")]
    [InlineData("bon")]
    [InlineData("")]
    public void Unknown_names_list_every_registered_form(string text)
    {
        var act = () => StrategyRegistry.Default.Resolve(text);
        act.Should().Throw<InvalidRequestException>().WithMessage("*use apr, sos, cons@N, pass@N, astar, bon@N, beam@N or pf@N (N from 1 to 256)*");
    }

    [Fact]
    public async Task A_step_search_on_a_task_without_steps_is_a_clear_error()
    {
        var strategy = StrategyRegistry.Default.Resolve("astar").Should().BeOfType<SearchStrategy>().Subject;
        var act = () => strategy.RunAsync(null!, new PlainTask(), new StrategyOptions());
        (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage("*defines no steps and no reward model*");
    }

    private sealed class PlainTask : IReasoningTask
    {
        public string Prompt(PromptStyle style) => "p";
        public string? AnswerOf(string trace) => null;
        public bool Verify(string trace) => false;
        public string BuildChildContext(string parentTrace, Apr.AprChildCall call) => throw new NotSupportedException();
        public string? ReadChildResult(string childTrace) => null;
    }

    private sealed class Named(string name) : IReasoningStrategy
    {
        public string Name => name;

        public Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not run in this test");
    }

    [Fact]
    public void A_new_strategy_is_one_registration()
    {
        var registry = new StrategyRegistry(maxCount: 8).Register("solo", () => new Named("solo")).RegisterCounted("beam", n => new Named($"beam@{n}"));

        registry.Resolve("beam@8").Name.Should().Be("beam@8");
        registry.Names.Should().Equal("solo", "beam@N");
        var tooMany = () => registry.Resolve("beam@9");
        tooMany.Should().Throw<InvalidRequestException>().WithMessage("*use solo or beam@N (N from 1 to 8)*");
        var twice = () => registry.Register("solo", () => new Named("x"));
        twice.Should().Throw<ArgumentException>();
    }
}
