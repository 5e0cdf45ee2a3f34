using FluentAssertions;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Execution;

/// <summary>DESIGN invariant 2: a row's logits are bitwise the same alone, in any batch, and however its tokens are split.</summary>
public sealed class BatchInvarianceTests
{
    public static TheoryData<string> Fixtures => new() { "tiny-llama", "tiny-qwen2", "tiny-qwen3" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Logits_are_bitwise_identical_alone_and_in_a_batch_of_16_unrelated_rows(string fixture)
    {
        var model = Support.Fixtures.Model(fixture);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 256, 16);
        var prompt = Support.Fixtures.RandomTokens(1, 37);
        var continuation = Support.Fixtures.RandomTokens(2, 6);

        var alone = Run(pass, pool, prompt, continuation, others: 0);
        var batched = Run(pass, pool, prompt, continuation, others: 15);

        for (int s = 0; s < alone.Count; s++)
            batched[s].Should().Equal(alone[s], $"step {s} must not depend on the batch");
        pool.FreeCount.Should().Be(pool.PageCount);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Feeding_k_tokens_at_once_equals_feeding_them_one_at_a_time(string fixture)
    {
        var model = Support.Fixtures.Model(fixture);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 64, 4);
        var tokens = Support.Fixtures.RandomTokens(3, 23);
        int vocab = model.Config.VocabSize;

        using var chunked = new KvSequence(pool);
        var first = pass.Step([new BatchRow(chunked, tokens[..9], AllLogits: true)])[0];
        var second = pass.Step([new BatchRow(chunked, tokens[9..], AllLogits: true)])[0];
        var all = first.Concat(second).ToArray();

        using var single = new KvSequence(pool);
        for (int t = 0; t < tokens.Length; t++)
        {
            var logits = pass.Step([new BatchRow(single, new[] { tokens[t] })])[0];
            logits.Should().Equal(all.AsSpan(t * vocab, vocab).ToArray(), $"position {t}");
        }
    }

    private static List<float[]> Run(ForwardPass pass, PagePool pool, int[] prompt, int[] continuation, int others)
    {
        var target = new KvSequence(pool);
        var noise = Enumerable.Range(0, others).Select(_ => new KvSequence(pool)).ToList();
        var results = new List<float[]>();
        try
        {
            var rows = new List<BatchRow> { new(target, prompt) };
            rows.AddRange(noise.Select((kv, i) => new BatchRow(kv, Support.Fixtures.RandomTokens(100 + i, 1 + i * 3))));
            results.Add(pass.Step(rows)[0]);
            foreach (int token in continuation)
            {
                rows = [new BatchRow(target, new[] { token })];
                rows.AddRange(noise.Select((kv, i) => new BatchRow(kv, Support.Fixtures.RandomTokens(200 + i + token, 1 + i % 3))));
                results.Add(pass.Step(rows)[0]);
            }
            return results;
        }
        finally
        {
            target.Dispose();
            noise.ForEach(n => n.Dispose());
        }
    }
}
