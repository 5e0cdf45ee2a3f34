using FluentAssertions;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Sampling;

/// <summary>
/// A seeded sampled generation replayed step by step outside the engine: each step's logits from a reference forward
/// over the whole prefix on a fresh KV cache, each token drawn from ONE random stream seeded once and kept across the
/// steps. The engine must draw the same tokens, so its stream advances by one draw a token (a fresh stream a draw, or
/// a stream shared between sequences, gives other tokens).
/// </summary>
public sealed class SeededReplayTests
{
    public static TheoryData<string, float, int, float, float, ulong> Settings => new()
    {
        { "tiny-qwen3", 0.9f, 50, 0.95f, 0.01f, 7 },
        { "tiny-llama", 1f, 0, 1f, 0f, 11 },      // no filter: the sampler's walk in id order
        { "tiny-qwen2", 1.3f, 0, 0.9f, 0f, 123 },
    };

    private static List<int> Replay(string fixture, int[] prompt, SamplingOptions options)
    {
        var model = Fixtures.Model(fixture);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 64, 16);
        var random = new RandomStream(options.Seed);
        var context = new List<int>(prompt);
        var tokens = new List<int>();
        for (int step = 0; step < options.MaxTokens; step++)
        {
            using var kv = new KvSequence(pool);   // the whole prefix again: no state carried between steps but the stream
            var logits = pass.Step([new BatchRow(kv, context.ToArray())])[0];
            int id = Sampler.Sample(logits, options, random).Id;
            tokens.Add(id);
            context.Add(id);
        }
        pool.FreeCount.Should().Be(pool.PageCount);
        return tokens;
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Settings))]
    public async Task A_seeded_run_draws_the_tokens_of_one_stream_kept_across_steps(string fixture, float temperature, int topK, float topP, float minP, ulong seed)
    {
        var options = new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP, Seed = seed, MaxTokens = 24 };
        var prompt = Fixtures.RandomTokens((int)seed, 9);

        using var engine = new InferenceEngine(Fixtures.Model(fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var seq = engine.CreateSequence();
        var generated = (await seq.GenerateToEndAsync(prompt, options)).Tokens.Select(t => t.Id).ToList();

        var expected = Replay(fixture, prompt, options);
        generated.Should().Equal(expected);
        expected.Distinct().Count().Should().BeGreaterThan(5, "the premise: the draws are not degenerate, so a repeated draw would show");
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_sequences_with_the_same_seed_draw_the_same_tokens_and_a_different_seed_others()
    {
        var options = new SamplingOptions { Temperature = 1f, Seed = 5, MaxTokens = 16 };
        var prompt = Fixtures.RandomTokens(3, 6);
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var a = engine.CreateSequence();
        using var b = engine.CreateSequence();
        using var c = engine.CreateSequence();
        var runs = await Task.WhenAll(a.GenerateToEndAsync(prompt, options), b.GenerateToEndAsync(prompt, options), c.GenerateToEndAsync(prompt, options with { Seed = 6 }));

        var ids = runs.Select(r => r.Tokens.Select(t => t.Id).ToList()).ToList();
        ids[1].Should().Equal(ids[0], "each sequence owns its stream: a stream shared by the batch would split the draws between them");
        ids[2].Should().NotEqual(ids[0]);
        ids[0].Should().Equal(Replay("tiny-llama", prompt, options));
    }
}
