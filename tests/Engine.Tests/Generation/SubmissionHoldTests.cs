using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

public sealed class SubmissionHoldTests
{
    private static readonly SamplingOptions Greedy32 = new() { MaxTokens = 32 };

    [Fact(Timeout = 60_000)]
    public async Task Children_submitted_under_a_hold_start_in_one_step_and_decode_in_lockstep()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = 16 });
        using var parent = engine.CreateSequence(Fixtures.RandomTokens(3, 40));
        await parent.PrefillAsync();
        var children = Enumerable.Range(0, 8).Select(_ => parent.Fork()).ToList();
        var expected = (await parent.GenerateToEndAsync([], Greedy32)).Tokens.Select(t => t.Id).ToList();

        long before = engine.Steps;
        Task<GenerationResult>[] running;
        using (engine.HoldSubmissions())
        {
            running = [.. children.Select(c => c.GenerateToEndAsync([], Greedy32))];
            await Task.Delay(50);
            engine.Steps.Should().Be(before, "nothing runs while the hold is open");
            running.Should().OnlyContain(t => !t.IsCompleted);
        }
        var results = await Task.WhenAll(running);

        (engine.Steps - before).Should().Be(32, "eight children of 32 tokens that start together share every step");
        foreach (var r in results)
            r.Tokens.Select(t => t.Id).Should().Equal(expected);
        children.ForEach(c => c.Dispose());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_held_generation_that_is_cancelled_ends_without_waiting_for_the_hold()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        int free = engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        using var hold = engine.HoldSubmissions();
        Task<GenerationResult> task;
        using (var seq = engine.CreateSequence(Fixtures.RandomTokens(4, 20)))
        {
            task = seq.GenerateToEndAsync([], Greedy32, cancellationToken: cts.Token);
            cts.CancelAfter(20);
            var act = async () => await task.WaitAsync(TimeSpan.FromSeconds(30));
            await act.Should().ThrowAsync<OperationCanceledException>();
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Nested_holds_release_only_when_the_last_closes_and_a_double_dispose_counts_once()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var seq = engine.CreateSequence(Fixtures.RandomTokens(5, 10));
        var outer = engine.HoldSubmissions();
        var inner = engine.HoldSubmissions();
        var task = seq.GenerateToEndAsync([], new SamplingOptions { MaxTokens = 4 });
        inner.Dispose();
        inner.Dispose();
        await Task.Delay(50);
        task.IsCompleted.Should().BeFalse("the outer hold is still open");
        outer.Dispose();
        (await task.WaitAsync(TimeSpan.FromSeconds(30))).Tokens.Should().HaveCount(4);
    }

    [Fact(Timeout = 60_000)]
    public async Task Disposing_the_engine_during_a_hold_fails_the_held_work_instead_of_hanging()
    {
        var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        var seq = engine.CreateSequence(Fixtures.RandomTokens(6, 10));
        engine.HoldSubmissions();
        var task = seq.GenerateToEndAsync([], Greedy32);
        engine.Dispose();
        var act = async () => await task.WaitAsync(TimeSpan.FromSeconds(30));
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }
}
