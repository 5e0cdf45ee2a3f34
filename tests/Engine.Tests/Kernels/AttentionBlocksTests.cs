using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

/// <summary>The blocked attention loops against the one-key-at-a-time forms they must equal bit for bit.</summary>
public sealed class AttentionBlocksTests
{
    [Theory]
    [InlineData(64, 1)]
    [InlineData(64, 16)]
    [InlineData(64, 37)]
    [InlineData(128, 50)]
    [InlineData(80, 33)]
    [InlineData(16, 16)]
    [InlineData(7, 19)]
    public void Scores_equal_one_dot_product_per_key_bitwise(int headDim, int keys)
    {
        var random = new Random(headDim * 1000 + keys);
        var q = Enumerable.Range(0, headDim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var k = Enumerable.Range(0, headDim * keys).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
        var scores = new float[keys];
        AttentionBlocks.Scores(q, k, keys, 0.125f, scores);
        for (int i = 0; i < keys; i++)
        {
            float expected = Vectors.Dot(q, k.AsSpan(i * headDim, headDim)) * 0.125f;
            BitConverter.SingleToInt32Bits(scores[i]).Should().Be(BitConverter.SingleToInt32Bits(expected), $"key {i}");
            // and, to float tolerance, the double-precision dot product
            double exact = 0;
            for (int d = 0; d < headDim; d++)
                exact += (double)q[d] * k[i * headDim + d];
            scores[i].Should().BeApproximately((float)(exact * 0.125), 1e-4f);
        }
    }

    [Theory]
    [InlineData(64, 16, 16)]
    [InlineData(64, 37, 64)]
    [InlineData(128, 5, 16)]
    [InlineData(32, 16, 32)]
    [InlineData(16, 31, 32)]
    public void Chunk_major_scores_equal_one_dot_product_per_key_bitwise(int headDim, int keys, int planeSlots)
    {
        var random = new Random(headDim * 7 + keys * 3 + planeSlots);
        var q = Enumerable.Range(0, headDim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var rows = Enumerable.Range(0, keys).Select(_ => Enumerable.Range(0, headDim).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray()).ToArray();
        // The chunk-major block, written out by hand: lanes 16c..16c+15 of key i at (c · planeSlots + i) · 16.
        var block = Enumerable.Repeat(float.NaN, headDim / 16 * planeSlots * 16).ToArray();
        for (int i = 0; i < keys; i++)
            for (int d = 0; d < headDim; d++)
                block[(d / 16 * planeSlots + i) * 16 + d % 16] = rows[i][d];
        var scores = new float[keys];
        AttentionBlocks.ScoresChunked(q, block, keys, planeSlots, 0.125f, scores);
        for (int i = 0; i < keys; i++)
        {
            float expected = Vectors.Dot(q, rows[i]) * 0.125f;
            BitConverter.SingleToInt32Bits(scores[i]).Should().Be(BitConverter.SingleToInt32Bits(expected), $"key {i}");
        }
    }

    [Theory]
    [InlineData(64, 1, 1)]
    [InlineData(64, 1, 37)]
    [InlineData(80, 1, 16)]
    [InlineData(7, 1, 5)]
    [InlineData(64, 2, 16)]
    [InlineData(64, 7, 37)]
    [InlineData(128, 4, 16)]
    [InlineData(80, 5, 9)]
    [InlineData(7, 3, 5)]
    public void Grouped_accumulation_equals_one_multiply_add_per_value_bitwise(int headDim, int count, int n)
    {
        var random = new Random(headDim * 13 + count * 5 + n);
        int stride = n + 2;
        var w = Enumerable.Range(0, (count - 1) * stride + n).Select(_ => (float)random.NextDouble()).ToArray();
        var v = Enumerable.Range(0, headDim * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var start = Enumerable.Range(0, count * headDim).Select(_ => (float)random.NextDouble()).ToArray();
        var actual = start.ToArray();
        AttentionBlocks.AccumulateGroup(w, stride, count, v, n, actual);
        for (int j = 0; j < count; j++)
        {
            var expected = start.AsSpan(j * headDim, headDim).ToArray();
            for (int i = 0; i < n; i++)
                Vectors.MultiplyAdd(expected, w[j * stride + i], v.AsSpan(i * headDim, headDim));
            actual.AsSpan(j * headDim, headDim).ToArray().Select(BitConverter.SingleToInt32Bits)
                .Should().Equal(expected.Select(BitConverter.SingleToInt32Bits), $"query {j}");
        }
    }
}
