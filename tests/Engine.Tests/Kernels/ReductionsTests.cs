using System.Runtime.Intrinsics;
using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class ReductionsTests
{
    /// <summary>Lanes spread over many binades, so any change in the order of the additions changes bits.</summary>
    private static Vector512<float>[] Accumulators(Random random, int count)
    {
        var lanes = new float[16 * count];
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-20, 21)));
        return [.. Enumerable.Range(0, count).Select(v => Vector512.Create(lanes.AsSpan(16 * v, 16)))];
    }

    [Fact]
    public void Four_sums_side_by_side_are_bitwise_four_single_sums()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            return;   // without AVX-512, Sum4 and Sum16 are defined as one Sum per accumulator: nothing to compare
        var random = new Random(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            var a = Accumulators(random, 4);
            var sums = Reductions.Sum4(a[0], a[1], a[2], a[3]);
            for (int v = 0; v < 4; v++)
                BitConverter.SingleToInt32Bits(sums.GetElement(v)).Should().Be(BitConverter.SingleToInt32Bits(Vectors.Sum(a[v])), $"trial {trial}, accumulator {v}");
        }
    }

    [Fact]
    public void Four_sums_of_halves_side_by_side_are_bitwise_four_single_sums()
    {
        if (!System.Runtime.Intrinsics.X86.Avx.IsSupported)
            return;   // the Vector256 tiles finish one output at a time without AVX
        var random = new Random(13);
        for (int trial = 0; trial < 2000; trial++)
        {
            var a = Accumulators(random, 4);
            var sums = Reductions.Sum4(a[0].GetLower(), a[0].GetUpper(), a[1].GetLower(), a[1].GetUpper(),
                a[2].GetLower(), a[2].GetUpper(), a[3].GetLower(), a[3].GetUpper());
            for (int v = 0; v < 4; v++)
                BitConverter.SingleToInt32Bits(sums.GetElement(v)).Should().Be(BitConverter.SingleToInt32Bits(Vectors.Sum(a[v])), $"trial {trial}, accumulator {v}");
        }
    }

    [Fact]
    public void Sixteen_sums_side_by_side_are_bitwise_sixteen_single_sums()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            return;
        var random = new Random(12);
        for (int trial = 0; trial < 500; trial++)
        {
            var a = Accumulators(random, 16);
            var sums = Reductions.Sum16(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
            for (int v = 0; v < 16; v++)
                BitConverter.SingleToInt32Bits(sums.GetElement(v)).Should().Be(BitConverter.SingleToInt32Bits(Vectors.Sum(a[v])), $"trial {trial}, accumulator {v}");
        }
    }
}
