using System.Diagnostics;
using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>Nothing waits forever for KV pages: requests that can never fit fail at once, waits are bounded.</summary>
public sealed class KvPressureTests
{
    private static long PageBytes(int pageSize) =>
        (long)pageSize * Fixtures.Model("tiny-qwen2").Config.NumLayers * 2 * Fixtures.Model("tiny-qwen2").Config.KvWidth * sizeof(float);

    [Fact(Timeout = 60_000)]
    public async Task A_prompt_that_fills_the_whole_pool_leaves_no_room_to_generate_and_fails_at_once_saying_what_it_needs()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"),
            new EngineOptions { KvMemoryBytes = 8 * PageBytes(4), PageSize = 4, StallTimeout = TimeSpan.FromSeconds(30) });
        using var seq = engine.CreateSequence(Fixtures.RandomTokens(1, 8 * 4));
        var clock = Stopwatch.StartNew();
        var act = async () => await seq.GenerateToEndAsync([], new SamplingOptions { MaxTokens = 4 });
        (await act.Should().ThrowAsync<KvCacheExhaustedException>()).Which.Message.Should().Contain("33 tokens").And.Contain("MiB").And.Contain("--kv-memory");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "it fails at submission, not after the stall timeout");
        seq.Length.Should().Be(32);
        await seq.PrefillAsync();   // the prompt alone fits
        seq.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task When_idle_sequences_hold_every_page_all_waiting_generations_fail_after_one_bounded_wait()
    {
        var timeout = TimeSpan.FromMilliseconds(500);
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"),
            new EngineOptions { KvMemoryBytes = 8 * PageBytes(4), PageSize = 4, StallTimeout = timeout });
        using var hog = engine.CreateSequence(Fixtures.RandomTokens(2, 8 * 4));
        await hog.PrefillAsync();
        engine.Pool.FreeCount.Should().Be(0);
        var waiting = Enumerable.Range(0, 10).Select(i => engine.CreateSequence(Fixtures.RandomTokens(10 + i, 3))).ToList();
        var clock = Stopwatch.StartNew();
        var runs = waiting.Select(s => s.GenerateToEndAsync([], new SamplingOptions { MaxTokens = 4 })).ToList();
        foreach (var run in runs)
        {
            var act = async () => await run.WaitAsync(TimeSpan.FromSeconds(20));
            (await act.Should().ThrowAsync<KvCacheExhaustedException>()).Which.Message.Should().Contain("not generating").And.Contain("--kv-memory");
        }
        clock.Elapsed.Should().BeLessThan(timeout * 6, "one bounded wait for all of them, not one per generation");
        waiting.ForEach(s => s.Dispose());
        hog.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 120_000)]
    public async Task Many_forks_of_one_prompt_in_a_small_pool_all_finish_with_their_solo_tokens()
    {
        // 16 children of 3 + 20 tokens (6 pages of 4 each) in 24 pages: a few run at a time, the rest wait, some are
        // preempted; each is disposed when it ends, as the CLI does.
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"),
            new EngineOptions { KvMemoryBytes = 24 * PageBytes(4), PageSize = 4, StallTimeout = TimeSpan.FromSeconds(5) });
        var prompt = Fixtures.RandomTokens(3, 3);
        SamplingOptions Options(int i) => new() { MaxTokens = 20, Temperature = 1, Seed = (ulong)i };
        var alone = new List<List<int>>();
        for (int i = 0; i < 16; i++)
        {
            using var s = engine.CreateSequence(prompt);
            alone.Add((await s.GenerateToEndAsync([], Options(i))).Tokens.Select(t => t.Id).ToList());
        }
        using var parent = engine.CreateSequence(prompt);
        await parent.PrefillAsync();
        var children = Enumerable.Range(0, 16).Select(_ => parent.Fork()).ToList();
        async Task<List<int>> Run(EngineSequence child, int i)
        {
            using (child)
                return (await child.GenerateToEndAsync([], Options(i))).Tokens.Select(t => t.Id).ToList();
        }
        Task<List<int>[]> all;
        using (engine.HoldSubmissions())
            all = Task.WhenAll(children.Select(Run));
        var results = await all.WaitAsync(TimeSpan.FromSeconds(90));
        for (int i = 0; i < 16; i++)
            results[i].Should().Equal(alone[i], $"child {i}");
        parent.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }
}
