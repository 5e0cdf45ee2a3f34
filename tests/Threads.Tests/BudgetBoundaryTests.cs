using System.Diagnostics;
using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

/// <summary>
/// Every bound of <see cref="ThreadBudget"/> tried at exactly its value (allowed) and one past it (refused), so an
/// off-by-one in either direction fails a test. The expected counts are the budget's numbers, written out.
/// </summary>
public sealed class BudgetBoundaryTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    // No end-of-sequence id: every generation runs to its token bound, so the counts below are exact.
    private readonly ByteCodec _codec = new() { EndOfSequenceIds = [] };

    public void Dispose() => _engine.Dispose();

    private static List<string> Contexts(int n) => [.. Enumerable.Range(0, n).Select(i => $"child {i}")];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void A_spawn_of_exactly_the_fan_out_is_allowed_and_one_more_is_refused(int fanOut)
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxFanOut = fanOut }))
        {
            var root = run.CreateRoot("fan out");
            root.Spawn(Contexts(fanOut)).Should().HaveCount(fanOut);

            var other = run.CreateRoot("second root");
            var act = () => other.Spawn(Contexts(fanOut + 1));
            act.Should().Throw<BudgetExceededException>().WithMessage($"*{fanOut + 1} children*allows {fanOut}*");
            run.Threads.Should().HaveCount(fanOut + 2, "the refused spawn created no thread");
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Threads_nest_exactly_to_the_depth_budget_and_no_deeper(int maxDepth)
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxDepth = maxDepth }))
        {
            var thread = run.CreateRoot("depth 0");
            for (int depth = 1; depth <= maxDepth; depth++)
            {
                thread = thread.Spawn([$"depth {depth}"])[0];
                thread.Depth.Should().Be(depth);
            }

            var act = () => thread.Spawn(["one too deep"]);
            act.Should().Throw<BudgetExceededException>().WithMessage($"*depth {maxDepth}*");
            run.Threads.Should().HaveCount(maxDepth + 1);
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_run_holds_exactly_max_threads_the_root_included(int maxThreads)
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxThreads = maxThreads }))
        {
            var root = run.CreateRoot("threads");
            if (maxThreads > 1)
                root.Spawn(Contexts(maxThreads - 1)).Should().HaveCount(maxThreads - 1);
            run.Threads.Should().HaveCount(maxThreads);

            var spawn = () => root.Spawn(Contexts(1));
            spawn.Should().Throw<BudgetExceededException>().WithMessage($"*{maxThreads + 1} threads*allows {maxThreads}*");
            var fork = () => root.Fork();
            fork.Should().Throw<BudgetExceededException>().WithMessage($"*allows {maxThreads}*");
            var another = () => run.CreateRoot("another");
            another.Should().Throw<BudgetExceededException>();
            run.Threads.Should().HaveCount(maxThreads);
        }
        _engine.Pool.FreeCount.Should().Be(free, "refused threads give back the sequence they were about to hold");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_run_generates_exactly_max_total_tokens_across_its_threads()
    {
        const int total = 37;
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxTotalTokens = total }))
        {
            var root = run.CreateRoot("total budget");
            var first = await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 20 });
            first.Tokens.Should().Be(20);
            first.BudgetExhausted.Should().BeFalse();

            var child = root.Spawn(["child"])[0];
            var second = await child.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 });
            second.Tokens.Should().Be(total - 20, "the run's budget leaves exactly that many");
            second.BudgetExhausted.Should().BeTrue();

            var third = await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 100 });
            third.Tokens.Should().Be(0);
            third.BudgetExhausted.Should().BeTrue();
            run.TotalTokens.Should().Be(total);
            (root.GeneratedTokens + child.GeneratedTokens).Should().Be(total);
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_thread_generates_exactly_max_tokens_per_thread_over_several_calls()
    {
        using var run = new ThreadRun(_engine, _codec, new ThreadBudget { MaxTokensPerThread = 12 });
        var root = run.CreateRoot("per thread");
        (await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 7 })).Tokens.Should().Be(7);
        var rest = await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 7 });
        rest.Tokens.Should().Be(5);
        rest.BudgetExhausted.Should().BeTrue();
        root.GeneratedTokens.Should().Be(12);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_wall_time_cancels_the_run_no_sooner_than_its_bound_and_soon_after()
    {
        var wall = TimeSpan.FromMilliseconds(400);
        var clock = Stopwatch.StartNew();
        using var run = new ThreadRun(_engine, _codec, new ThreadBudget { WallTime = wall });
        var fired = new TaskCompletionSource<TimeSpan>();
        run.Cancellation.Register(() => fired.TrySetResult(clock.Elapsed));
        run.Cancellation.IsCancellationRequested.Should().BeFalse();

        var at = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // .NET's timers tick on a coarse clock and may fire a millisecond or so before the stopwatch reaches the bound
        // (399.8 ms for 400 was seen); a wall time cut short by any real amount (half of it, say) still fails.
        var timerResolution = TimeSpan.FromMilliseconds(16);
        at.Should().BeGreaterThanOrEqualTo(wall - timerResolution).And.BeLessThan(wall + TimeSpan.FromSeconds(5));
        var root = run.CreateRoot("after the wall time");
        var act = async () => await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 10 });
        await act.Should().ThrowAsync<OperationCanceledException>();
        root.Status.Should().Be(ThreadStatus.Cancelled);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_run_without_a_wall_time_is_not_cancelled_by_one()
    {
        using var run = new ThreadRun(_engine, _codec, new ThreadBudget { WallTime = TimeSpan.FromSeconds(30) });
        var root = run.CreateRoot("long wall time");
        await Task.Delay(300);
        (await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 10 })).Tokens.Should().Be(10);
        run.Cancellation.IsCancellationRequested.Should().BeFalse();
    }
}
