using FluentAssertions;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Xunit;

namespace Reasoning.Engine.Tests.Kv;

/// <summary>
/// Attention over a bf16 pool (read in place by the fused kernels where the heads pair up, or widened a block at a
/// time: both are run on any machine) equals,
/// bit for bit, attention over an f32 pool holding the same keys and values rounded to bf16: the bf16 cache changes
/// only what is stored, never how it is summed.
/// </summary>
public sealed class BF16AttentionTests
{
    private static ModelConfig Config(int headDim) => new()
    {
        Architecture = Architecture.Llama, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, HeadDim = headDim,
        IntermediateSize = 64, VocabSize = 10, MaxPositionEmbeddings = 8192, RopeTheta = 10000, RmsNormEps = 1e-5f,
        TieWordEmbeddings = true, AttentionBias = false,
    };

    [Theory]
    [InlineData(64, 16, 1)]
    [InlineData(64, 128, 2)]
    [InlineData(32, 16, 3)]
    [InlineData(96, 32, 2)]
    [InlineData(128, 128, 2)]
    [InlineData(48, 16, 2)]   // 16-lane chunks that do not pair: the widening path
    [InlineData(24, 16, 2)]   // row-major keys
    public void Attention_over_a_bf16_pool_equals_attention_over_the_rounded_values_in_f32_bitwise(int headDim, int pageSize, int count)
    {
        var config = Config(headDim);
        using var wide = new PagePool(config, 40, pageSize);
        using var narrow = new PagePool(config, 40, pageSize, KvDType.BF16);
        narrow.PairedBF16.Should().Be(headDim % 32 == 0);
        var rope = new Rope(headDim, 10000);
        var random = new Random(headDim * 31 + pageSize + count);
        // Three spans, the second moved to overlap the first's positions and the third a partial page.
        var spans = new (int Stored, int Length, int Logical)[] { (0, pageSize + 5, 0), (300, 2 * pageSize + 3, 4), (900, 7, 2000) };
        var a = new KvSequence(wide, spans[0].Stored);
        var b = new KvSequence(narrow, spans[0].Stored);
        for (int s = 0; s < spans.Length; s++)
        {
            if (s > 0)
            {
                a.StartSpan(spans[s].Stored);
                b.StartSpan(spans[s].Stored);
            }
            a.Reserve(spans[s].Length);
            b.Reserve(spans[s].Length);
            for (int i = 0; i < spans[s].Length; i++)
                for (int layer = 0; layer < config.NumLayers; layer++)
                    for (int h = 0; h < config.NumKvHeads; h++)
                        foreach (bool value in new[] { false, true })
                        {
                            var vector = Enumerable.Range(0, headDim).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                            var rounded = vector.Select(x => Engine.Kernels.Convert.BF16ToSingle(Engine.Kernels.Convert.SingleToBF16(x))).ToArray();
                            var (pa, sa) = a.Locate(a.Tail, i);
                            var (pb, sb) = b.Locate(b.Tail, i);
                            wide.Write(pa, layer, value, h, sa, rounded);
                            narrow.Write(pb, layer, value, h, sb, vector);
                        }
            a.Commit(spans[s].Length);
            b.Commit(spans[s].Length);
        }
        for (int s = 0; s < spans.Length; s++)
        {
            a.Move(s, spans[s].Logical);
            b.Move(s, spans[s].Logical);
        }
        var visible = a.Spans.Select(x => x.Length).ToArray();
        visible[^1] -= 2;   // the last span only partly visible, as for a row mid-chunk
        var queries = Enumerable.Range(0, count * headDim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        for (int layer = 0; layer < config.NumLayers; layer++)
            for (int h = 0; h < config.NumKvHeads; h++)
            {
                var expected = new float[count * headDim];
                Attention.ComputeGroup(queries, count, 2100, a.Spans, visible, wide, layer, h, rope, new Attention.Scratch(headDim, 16), expected);
                foreach (bool fused in new[] { true, false })
                {
                    var actual = new float[count * headDim];
                    Attention.ComputeGroup(queries, count, 2100, b.Spans, visible, narrow, layer, h, rope, new Attention.Scratch(headDim, 16), actual, fused);
                    actual.Select(BitConverter.SingleToInt32Bits).Should().Equal(expected.Select(BitConverter.SingleToInt32Bits),
                        $"layer {layer}, KV head {h}, {(fused ? "read in place" : "widened")}");
                }
            }
        a.Dispose();
        b.Dispose();
        narrow.FreeCount.Should().Be(narrow.PageCount);
    }
}
