using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

/// <summary>The SIMD small kernels against the double-precision scalar references, on lengths around every vector width.</summary>
public sealed class SmallKernelTests
{
    public static TheoryData<int> Lengths => RandomData.AwkwardLengths;

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_matches_the_reference(int n)
    {
        var a = RandomData.Floats(n, seed: n);
        var b = RandomData.Floats(n, seed: n + 1);
        double magnitude = ScalarReference.Dot(a.Select(Math.Abs).ToArray(), b.Select(Math.Abs).ToArray());
        ((double)Vectors.Dot(a, b)).Should().BeApproximately(ScalarReference.Dot(a, b), magnitude * 1e-6 + 1e-30);
        Vectors.SumOfSquares(a).Should().Be(Vectors.Dot(a, a));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd_and_Add_match_the_reference(int n)
    {
        var x = RandomData.Floats(n, seed: n);
        var y = RandomData.Floats(n, seed: n + 1);
        var expected = y.ToArray();
        ScalarReference.MultiplyAdd(expected, 0.37f, x);
        var actual = y.ToArray();
        Vectors.MultiplyAdd(actual, 0.37f, x);
        for (int i = 0; i < n; i++)
            actual[i].Should().BeApproximately(expected[i], Math.Abs(expected[i]) * 1.2e-7f + 1e-30f);

        var sum = y.ToArray();
        Vectors.Add(sum, x);
        sum.Should().Equal(y.Zip(x, (a, b) => a + b));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RmsNorm_matches_the_reference(int n)
    {
        var x = RandomData.Floats(n, seed: n, scale: 3f);
        var weight = RandomData.Floats(n, seed: n + 1);
        var expected = new float[n];
        ScalarReference.RmsNorm(x, weight, 1e-6f, expected);
        RmsNorm.Apply(x, weight, 1e-6f, x);
        for (int i = 0; i < n; i++)
            x[i].Should().BeApproximately(expected[i], Math.Abs(expected[i]) * 1e-6f + 1e-30f);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SiluMul_matches_the_reference(int n)
    {
        var gate = RandomData.Floats(n, seed: n, scale: 12f);
        var up = RandomData.Floats(n, seed: n + 1, scale: 3f);
        var expected = new float[n];
        ScalarReference.SiluMul(gate, up, expected);
        Activations.SiluMul(gate, up, gate);
        for (int i = 0; i < n; i++)
            gate[i].Should().BeApproximately(expected[i], Math.Abs(expected[i]) * 5e-7f + 1e-30f);
    }

    [Fact]
    public void SiluMul_saturates_cleanly_at_extreme_gates()
    {
        float[] gate = Enumerable.Repeat(new[] { -200f, -88f, 0f, 88f, 200f }, 4).SelectMany(v => v).ToArray();
        var up = Enumerable.Repeat(2f, gate.Length).ToArray();
        var expected = new float[gate.Length];
        ScalarReference.SiluMul(gate, up, expected);
        Activations.SiluMul(gate, up, gate);
        for (int i = 0; i < gate.Length; i++)
            gate[i].Should().BeApproximately(expected[i], Math.Abs(expected[i]) * 5e-7f + 1e-30f);
    }

    [Fact]
    public void SiluMul_gives_a_gate_the_same_bits_in_a_vector_lane_as_in_the_scalar_tail()
    {
        // 35 gates: lanes 0–31 go through the vector loop on any machine (16 or 8 lanes a step), 32–34 through the
        // scalar tail. The tail repeats three lane values, including a negative and a very negative gate.
        float[] gate = [.. RandomData.Floats(32, seed: 3, scale: 12f), 0f, 0f, 0f];
        gate[5] = -95f;
        gate[33] = gate[5];
        gate[32] = gate[1];
        gate[34] = gate[2] = -2.75f;
        var up = Enumerable.Repeat(1.5f, gate.Length).ToArray();
        var result = new float[gate.Length];
        Activations.SiluMul(gate, up, result);
        result[32].Should().Be(result[1]);
        result[33].Should().Be(result[5]);
        result[34].Should().Be(result[2]);
        result[5].Should().Be(0f);   // e^(−95) is below FastExp's range: −95 · 0, not −95 / ∞
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Softmax_matches_the_reference(int n)
    {
        var values = RandomData.Floats(n, seed: n, scale: 20f);
        var expected = values.ToArray();
        ScalarReference.Softmax(expected);
        float max = values.Max();
        var input = values.ToArray();
        Softmax.Apply(values);
        // Rounding x − max to float costs up to half an ulp of |x − max|, which exp turns into that much relative error.
        for (int i = 0; i < n; i++)
            values[i].Should().BeApproximately(expected[i], expected[i] * (1e-6f + 6e-8f * Math.Abs(input[i] - max)) + 1e-30f);
    }
}
