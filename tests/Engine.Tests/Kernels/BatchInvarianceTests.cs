using FluentAssertions;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

/// <summary>DESIGN invariant 2 through the whole forward pass: a row's logits do not depend on the rest of the batch.</summary>
public sealed class BatchInvarianceTests
{
    public static TheoryData<string> Fixtures => new() { "tiny-llama", "tiny-qwen2", "tiny-qwen3" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_rows_logits_are_bitwise_the_same_alone_batched_and_fed_token_by_token(string fixture)
    {
        string dir = RepoPaths.FixtureModel(fixture);
        var prompts = ReferenceFile.Load(dir).Prompts;
        using var model = TransformerModel.Load(dir);
        using var team = new ThreadTeam(2);
        using var pass = new ForwardPass(model, team);
        using var pool = new PagePool(model.Config, 256, 16);
        int[] subject = prompts[0].Ids, other = prompts[^1].Ids;

        float[] alone;
        using (var kv = new KvSequence(pool))
            alone = pass.Step([new BatchRow(kv, subject, AllLogits: true)])[0];

        float[] batched;
        using (var kv = new KvSequence(pool))
        using (var kvOther = new KvSequence(pool))
        using (var kvThird = new KvSequence(pool))
            batched = pass.Step([new BatchRow(kvOther, other), new BatchRow(kv, subject, AllLogits: true), new BatchRow(kvThird, other[..1])])[1];
        batched.Should().Equal(alone);

        int vocab = model.Config.VocabSize;
        using (var kv = new KvSequence(pool))
        using (var kvOther = new KvSequence(pool))
            for (int t = 0; t < subject.Length; t++)
            {
                var rows = new List<BatchRow> { new(kv, subject[t..(t + 1)]) };
                if (t < other.Length)
                    rows.Add(new BatchRow(kvOther, other[t..(t + 1)]));
                var logits = pass.Step(rows)[0];
                logits.Should().Equal(alone.AsSpan(t * vocab, vocab).ToArray(), $"token {t} fed on its own");
            }
    }
}
