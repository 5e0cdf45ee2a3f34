using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Evaluation.Tests;

public sealed class CountdownSolverTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-qwen3")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = 16 });
    private static readonly CountdownProblem Problem = CountdownProblem.FromJson("{\"numbers\":[44,19,35,73],\"target\":98}", "test");

    public void Dispose() => _engine.Dispose();

    [Theory(Timeout = 60_000)]
    [InlineData("apr")]
    [InlineData("sos")]
    [InlineData("cons@3")]
    [InlineData("pass@2")]
    public async Task A_model_that_writes_garbage_gets_an_unverified_result_with_a_reason_and_leaks_nothing(string strategy)
    {
        int free = _engine.Pool.FreeCount;
        var result = await CountdownSolver.SolveAsync(_engine, new ByteCodec(), Problem,
            new SolveOptions { Strategy = CountdownStrategy.Parse(strategy), ContextWindow = 160, Temperature = 1, Seed = 3 });

        result.Verified.Should().BeFalse();
        result.Reason.Should().NotBeNullOrEmpty();
        result.TotalTokens.Should().BePositive();
        result.SequentialTokens.Should().BeInRange(1, result.TotalTokens);
        result.Tree["text"]!.GetValue<string>().Should().Contain("Current State: 98:[44, 19, 35, 73], Operations: []");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory]
    [InlineData("apr", StrategyKind.Apr, 1)]
    [InlineData("SoS", StrategyKind.Sos, 1)]
    [InlineData("cons@7", StrategyKind.Consensus, 7)]
    [InlineData("pass@16", StrategyKind.PassAtN, 16)]
    public void Strategies_parse_from_their_names(string name, StrategyKind kind, int traces)
    {
        CountdownStrategy.Parse(name).Should().Be(new CountdownStrategy(kind, traces));
    }

    [Theory]
    [InlineData("beam")]
    [InlineData("cons@0")]
    [InlineData("cons@10000")]
    public void Unknown_strategies_are_clear_errors(string name)
    {
        var act = () => CountdownStrategy.Parse(name);
        act.Should().Throw<InvalidRequestException>().WithMessage("*apr, sos, cons@N or pass@N*");
    }
}
