using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary><see cref="EngineSequence.ScoreAsync"/> against the float64 reference forward's log-softmax.</summary>
public sealed class ScoringTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public async Task Scores_match_the_reference_log_softmax_in_a_batch_with_generating_rows(string fixture)
    {
        var reference = ReferenceFile.Load(RepoPaths.FixtureModel(fixture));
        using var engine = new InferenceEngine(Fixtures.Model(fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16, PrefillChunk = 3 });
        var options = new SamplingOptions { MaxTokens = 12, Temperature = 1, Seed = 3 };
        var noisePrompts = new[] { Fixtures.RandomTokens(1, 6), Fixtures.RandomTokens(2, 9) };
        var alone = new List<List<int>>();
        foreach (var p in noisePrompts)
        {
            using var s = engine.CreateSequence();
            alone.Add((await s.GenerateToEndAsync(p, options)).Tokens.Select(t => t.Id).ToList());
        }
        var prompts = reference.Prompts.Where(p => p.Ids.Length >= 3).ToList();
        prompts.Should().NotBeEmpty();
        foreach (var prompt in prompts)
        {
            int k = prompt.Ids.Length / 2;
            using var scored = engine.CreateSequence(prompt.Ids[..k]);
            var noise = noisePrompts.Select(_ => engine.CreateSequence()).ToList();
            Task<IReadOnlyList<ScoredToken>> scoring;
            Task<GenerationResult>[] generating;
            using (engine.HoldSubmissions())
            {
                generating = [.. noise.Select((s, i) => s.GenerateToEndAsync(noisePrompts[i], options))];
                scoring = scored.ScoreAsync(prompt.Ids[k..], topLogprobs: 3);
            }
            var scores = await scoring;
            var generated = await Task.WhenAll(generating);

            scores.Select(s => s.Id).Should().Equal(prompt.Ids[k..]);
            for (int t = k; t < prompt.Ids.Length; t++)
            {
                var expected = LogSoftmax(prompt.Logits[t - 1]);
                var s = scores[t - k];
                s.Logprob.Should().BeApproximately((float)expected[prompt.Ids[t]], 1e-3f, $"token {t} of '{prompt.Text}'");
                var top = Enumerable.Range(0, expected.Length).OrderByDescending(v => expected[v]).Take(3).ToArray();
                s.TopLogprobs.Select(x => x.Id).Should().Equal(top);
                for (int j = 0; j < 3; j++)
                    s.TopLogprobs[j].Logprob.Should().BeApproximately((float)expected[top[j]], 1e-3f);
            }
            for (int i = 0; i < noise.Count; i++)
                generated[i].Tokens.Select(t => t.Id).Should().Equal(alone[i], "the generating rows are unchanged by the scoring row");
            noise.ForEach(s => s.Dispose());

            // The scored tokens stay appended and computed: greedy generation continues from the whole prompt.
            scored.Length.Should().Be(prompt.Ids.Length);
            var continued = await scored.GenerateToEndAsync([], new SamplingOptions { MaxTokens = 16 });
            continued.Tokens.Select(t => t.Id).Should().Equal(prompt.GreedyIds);
        }
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Scoring_after_a_computed_context_refeeds_its_last_token()
    {
        var prompt = ReferenceFile.Load(RepoPaths.FixtureModel("tiny-llama")).Prompts.First(p => p.Ids.Length >= 3);
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var seq = engine.CreateSequence(prompt.Ids[..1]);
        await seq.PrefillAsync();
        var scores = await seq.ScoreAsync(prompt.Ids[1..]);
        for (int t = 1; t < prompt.Ids.Length; t++)
            scores[t - 1].Logprob.Should().BeApproximately((float)LogSoftmax(prompt.Logits[t - 1])[prompt.Ids[t]], 1e-3f);
        scores[0].TopLogprobs.Should().BeEmpty();
    }

    [Fact(Timeout = 60_000)]
    public async Task Scoring_with_no_context_is_a_typed_error_and_changes_nothing()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var seq = engine.CreateSequence();
        var act = async () => await seq.ScoreAsync([1, 2, 3]);
        (await act.Should().ThrowAsync<InvalidRequestException>()).Which.Message.Should().Contain("context");
        seq.Length.Should().Be(0);
        var outside = async () => await seq.ScoreAsync([5000]);
        await outside.Should().ThrowAsync<InvalidRequestException>();
        seq.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    private static double[] LogSoftmax(double[] logits)
    {
        double max = logits.Max();
        double logZ = max + Math.Log(logits.Sum(x => Math.Exp(x - max)));
        return [.. logits.Select(x => x - logZ)];
    }
}
