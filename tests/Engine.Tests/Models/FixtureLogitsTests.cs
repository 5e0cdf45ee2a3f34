using FluentAssertions;
using Xunit;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tests.Support;

namespace Reasoning.Engine.Tests.Models;

/// <summary>The forward pass against the float64 reference logits shipped with each fixture model.</summary>
public sealed class FixtureLogitsTests
{
    public static TheoryData<string> Fixtures => new() { "tiny-llama", "tiny-qwen2", "tiny-qwen3" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Prompt_logits_match_the_float64_reference(string fixture)
    {
        string dir = RepoPaths.FixtureModel(fixture);
        var reference = ReferenceFile.Load(dir);
        using var model = TransformerModel.Load(dir);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 64, 16);
        foreach (var prompt in reference.Prompts)
        {
            using var kv = new KvSequence(pool);
            var logits = pass.Step([new BatchRow(kv, prompt.Ids, AllLogits: true)])[0];
            int vocab = model.Config.VocabSize;
            double worst = 0;
            for (int t = 0; t < prompt.Ids.Length; t++)
                for (int v = 0; v < vocab; v++)
                    worst = Math.Max(worst, Math.Abs(logits[t * vocab + v] - prompt.Logits[t][v]));
            worst.Should().BeLessThan(1e-4, $"prompt {prompt.Text}");
        }
        pool.FreeCount.Should().Be(pool.PageCount);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_bf16_kv_cache_stays_close_to_the_reference_and_keeps_greedy_tokens(string fixture)
    {
        string dir = RepoPaths.FixtureModel(fixture);
        var reference = ReferenceFile.Load(dir);
        using var model = TransformerModel.Load(dir);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 64, 16, KvDType.BF16);
        pool.BytesPerToken.Should().Be((long)model.Config.NumLayers * 2 * model.Config.KvWidth * 2);
        double worst = 0;
        foreach (var prompt in reference.Prompts)
        {
            using var kv = new KvSequence(pool);
            var ids = prompt.Ids.Concat(prompt.GreedyIds[..^1]).ToArray();
            var logits = pass.Step([new BatchRow(kv, ids, AllLogits: true)])[0];
            int vocab = model.Config.VocabSize;
            for (int t = 0; t < prompt.Ids.Length; t++)
                for (int v = 0; v < vocab; v++)
                    worst = Math.Max(worst, Math.Abs(logits[t * vocab + v] - prompt.Logits[t][v]));
            for (int s = 0; s < prompt.GreedyIds.Length; s++)
            {
                var row = logits.AsSpan((prompt.Ids.Length - 1 + s) * vocab, vocab);
                for (int j = 0; j < 5; j++)
                    Math.Abs(row[prompt.Top5Ids[s][j]] - prompt.Top5Logits[s][j]).Should().BeLessThan(2e-3);
            }
        }
        worst.Should().BeLessThan(2e-3, "bf16 keys and values keep about three significant digits");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Greedy_decoding_with_the_kv_cache_reproduces_the_reference_tokens(string fixture)
    {
        string dir = RepoPaths.FixtureModel(fixture);
        var reference = ReferenceFile.Load(dir);
        using var model = TransformerModel.Load(dir);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 64, 4);
        foreach (var prompt in reference.Prompts)
        {
            using var kv = new KvSequence(pool);
            var logits = pass.Step([new BatchRow(kv, prompt.Ids)])[0];
            for (int s = 0; s < prompt.GreedyIds.Length; s++)
            {
                for (int j = 0; j < 5; j++)
                    logits[prompt.Top5Ids[s][j]].Should().BeApproximately((float)prompt.Top5Logits[s][j], 1e-4f);
                int argmax = ArgMax(logits);
                argmax.Should().Be(prompt.GreedyIds[s], $"step {s} of prompt {prompt.Text}");
                logits = pass.Step([new BatchRow(kv, new[] { prompt.GreedyIds[s] })])[0];
            }
        }
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
