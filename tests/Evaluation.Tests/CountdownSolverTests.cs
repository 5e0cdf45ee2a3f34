using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.TestSupport;
using Reasoning.Threads;
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
    [InlineData("astar", StrategyKind.AStar, 1)]
    [InlineData("bon@8", StrategyKind.BestOfN, 8)]
    [InlineData("beam@4", StrategyKind.Beam, 4)]
    [InlineData("pf@16", StrategyKind.ParticleFilter, 16)]
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
        act.Should().Throw<InvalidRequestException>().WithMessage("*apr, sos, cons@N, pass@N, astar, bon@N, beam@N or pf@N*");
    }

    [Theory]
    [InlineData("astar")]
    [InlineData("bon@8")]
    [InlineData("pf@2")]
    [InlineData("beam@2")]
    public void Names_of_step_searches_round_trip_and_say_they_search(string name)
    {
        var strategy = CountdownStrategy.Parse(name);
        strategy.ToString().Should().Be(name);
        strategy.IsStepSearch.Should().BeTrue();
        CountdownStrategy.Parse("cons@3").IsStepSearch.Should().BeFalse();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("astar")]
    [InlineData("bon@3")]
    [InlineData("beam@2")]
    [InlineData("pf@3")]
    public async Task A_step_search_keeps_to_its_token_budget_counts_its_reward_calls_and_leaks_nothing(string strategy)
    {
        int free = _engine.Pool.FreeCount;
        var result = await CountdownSolver.SolveAsync(_engine, new ByteCodec(), Problem,
            new SolveOptions { Strategy = CountdownStrategy.Parse(strategy), ContextWindow = 400, Seed = 5, SearchTokens = 300 });

        result.Search.Should().NotBeNull();
        result.TotalTokens.Should().BeInRange(1, 300).And.Be(result.Search!.TokensGenerated);
        result.PrmCalls.Should().BePositive().And.Be(result.Search.PrmCalls);
        result.Verified.Should().BeFalse("a random model writes no valid trace");
        result.Reason.Should().NotBeNullOrEmpty();
        result.Trace.Should().StartWith(CountdownPrompts.Sos(Problem));
        result.Tree["nodes"]!.AsArray().Count.Should().Be(result.Search.Tree.Count);
        result.Tree["prompt"]!.GetValue<string>().Should().Be(CountdownPrompts.Sos(Problem));
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_star_on_the_shipped_model_fits_a_small_cache_by_pruning_its_worst_open_states()
    {
        // A 12k-token search on the shipped SoS+ model opens about a thousand states, each holding a private page; a
        // 48-page cache would be full long before the budget without the bound on open states.
        string dir = Path.Combine(RepoPaths.Root, "models", "countdown-sos");
        using var model = TransformerModel.Load(dir);
        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 24L << 20 });
        engine.Pool.PageCount.Should().BeLessThan(64);
        int free = engine.Pool.FreeCount;
        var hard = CountdownProblem.FromJson("{\"numbers\":[86,3,59,2],\"target\":83}", "val-0");
        var result = await CountdownSolver.SolveAsync(engine, new TokenizerCodec(Reasoning.Engine.Tokenization.Tokenizer.Load(dir)), hard,
            new SolveOptions { Strategy = CountdownStrategy.Parse("astar"), ContextWindow = 4096, Seed = 1, SearchTokens = 12_000 });

        result.Search!.Tree.Count.Should().BeGreaterThan(4 * engine.Pool.PageCount, "the search must open more states than the cache could hold at once");
        result.Search.Tree.Count(n => n.Pruned).Should().BePositive();
        engine.Pool.FreeCount.Should().Be(free);
    }
}
