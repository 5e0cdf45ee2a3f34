using System.Runtime.Intrinsics;
using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

/// <summary>
/// The fused bf16 attention loops, both kernel families on any machine, fed blocks packed here by hand in the paired
/// layout (lane j of a 32-lane unit at 2j, lane 16 + j at 2j + 1), against the f32 one-key-at-a-time forms of the same
/// width on the same values widened: bit for bit.
/// </summary>
public sealed unsafe class AttentionBlocksBF16Tests
{
    private static float RoundToBF16(float x) => Engine.Kernels.Convert.BF16ToSingle(Engine.Kernels.Convert.SingleToBF16(x));

    private static float[] Vector(Random random, int n, double range) =>
        Enumerable.Range(0, n).Select(_ => RoundToBF16((float)((random.NextDouble() * 2 - 1) * range))).ToArray();

    /// <summary>Writes the 32 lanes of <paramref name="lanes"/> from <paramref name="from"/> as one paired unit at <paramref name="unit"/>.</summary>
    private static void PackUnit(float[] lanes, int from, ushort[] block, long unit)
    {
        for (int j = 0; j < 16; j++)
        {
            block[unit + 2 * j] = Engine.Kernels.Convert.SingleToBF16(lanes[from + j]);
            block[unit + 2 * j + 1] = Engine.Kernels.Convert.SingleToBF16(lanes[from + 16 + j]);
        }
    }

    [Theory]
    [InlineData(64, 16, 16)]
    [InlineData(64, 37, 64)]
    [InlineData(64, 128, 128)]
    [InlineData(128, 5, 16)]
    [InlineData(32, 17, 32)]
    [InlineData(96, 33, 48)]
    public void Paired_scores_equal_one_dot_product_per_widened_key_bitwise(int headDim, int keys, int planeSlots)
    {
        foreach (bool wide in new[] { true, false })
            PairedScores(headDim, keys, planeSlots, wide);
    }

    /// <summary>
    /// The AVX2 form of <see cref="Vectors.Dot"/>: per 16 lanes, lanes 0–7 into one accumulator and 8–15 into another,
    /// then <see cref="Vectors.Sum(Vector256{float}, Vector256{float})"/>. Written out here: on an AVX-512 machine
    /// Vectors.Dot takes its Vector512 form.
    /// </summary>
    private static float Dot256(float[] a, float[] b)
    {
        Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
        for (int i = 0; i < a.Length; i += 16)
        {
            lo = Vector256.FusedMultiplyAdd(Vector256.Create(a, i), Vector256.Create(b, i), lo);
            hi = Vector256.FusedMultiplyAdd(Vector256.Create(a, i + 8), Vector256.Create(b, i + 8), hi);
        }
        return Vectors.Sum(lo, hi);
    }

    private static void PairedScores(int headDim, int keys, int planeSlots, bool wide)
    {
        var random = new Random(headDim * 11 + keys * 3 + planeSlots);
        var q = Vector(random, headDim, 1);
        var rows = Enumerable.Range(0, keys).Select(_ => Vector(random, headDim, 3)).ToArray();
        // [pair][slot][32]; unused slots hold NaN bits, so reading one would show.
        var block = Enumerable.Repeat((ushort)0x7FC1, headDim / 32 * planeSlots * 32).ToArray();
        for (int i = 0; i < keys; i++)
            for (int p = 0; p < headDim / 32; p++)
                PackUnit(rows[i], p * 32, block, ((long)p * planeSlots + i) * 32);
        var scores = new float[keys];
        fixed (ushort* bits = block)
            AttentionBlocks.ScoresPairedBF16(q, bits, keys, planeSlots, 0.125f, scores, wide);
        for (int i = 0; i < keys; i++)
        {
            float expected = (wide ? Vector512Dot(q, rows[i]) : Dot256(q, rows[i])) * 0.125f;
            BitConverter.SingleToInt32Bits(scores[i]).Should().Be(BitConverter.SingleToInt32Bits(expected), $"key {i} ({(wide ? "Vector512" : "Vector256")})");
        }
    }

    [Theory]
    [InlineData(64, 1, 1)]
    [InlineData(64, 2, 16)]
    [InlineData(64, 3, 37)]
    [InlineData(32, 2, 9)]
    [InlineData(32, 1, 20)]
    [InlineData(96, 5, 17)]
    [InlineData(128, 4, 128)]
    public void Paired_accumulation_equals_one_multiply_add_per_widened_value_bitwise(int headDim, int count, int n)
    {
        foreach (bool wide in new[] { true, false })
            PairedAccumulation(headDim, count, n, wide);
    }

    /// <summary>
    /// The AVX-512 form of <see cref="Vectors.Dot"/>: one accumulator over 16-lane steps, then Vectors.Sum. Written out
    /// here: on a machine without AVX-512 Vectors.Dot takes its AVX2 form.
    /// </summary>
    private static float Vector512Dot(float[] a, float[] b)
    {
        var acc = Vector512<float>.Zero;
        for (int i = 0; i < a.Length; i += 16)
            acc = Vector512.FusedMultiplyAdd(Vector512.Create(a, i), Vector512.Create(b, i), acc);
        return Vectors.Sum(acc);
    }

    private static void PairedAccumulation(int headDim, int count, int n, bool wide)
    {
        var random = new Random(headDim * 17 + count * 5 + n);
        int stride = n + 3;
        var w = Enumerable.Range(0, (count - 1) * stride + n).Select(_ => (float)random.NextDouble()).ToArray();
        var rows = Enumerable.Range(0, n).Select(_ => Vector(random, headDim, 1)).ToArray();
        var block = new ushort[n * headDim];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < headDim / 32; p++)
                PackUnit(rows[i], p * 32, block, (long)i * headDim + p * 32);
        var start = Enumerable.Range(0, count * headDim).Select(_ => (float)random.NextDouble()).ToArray();
        var actual = start.ToArray();
        fixed (ushort* bits = block)
            AttentionBlocks.AccumulateGroupPairedBF16(w, stride, count, bits, n, actual, wide);
        for (int j = 0; j < count; j++)
        {
            var expected = start.AsSpan(j * headDim, headDim).ToArray();
            for (int i = 0; i < n; i++)
                Vectors.MultiplyAdd(expected, w[j * stride + i], rows[i]);
            actual.AsSpan(j * headDim, headDim).ToArray().Select(BitConverter.SingleToInt32Bits)
                .Should().Equal(expected.Select(BitConverter.SingleToInt32Bits), $"query {j} ({(wide ? "Vector512" : "Vector256")})");
        }
    }

    [Fact]
    public void A_head_width_that_is_not_a_multiple_of_32_is_refused()
    {
        var scores = new float[4];
        var block = new ushort[48 * 16];
        var act = () =>
        {
            fixed (ushort* bits = block)
                AttentionBlocks.ScoresPairedBF16(new float[48], bits, 4, 16, 1f, scores);
        };
        act.Should().Throw<ArgumentException>().WithMessage("*multiple of 32*");
    }
}
