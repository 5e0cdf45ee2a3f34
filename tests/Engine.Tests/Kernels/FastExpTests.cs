using System.Runtime.Intrinsics;
using FluentAssertions;
using Reasoning.Engine.Kernels;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class FastExpTests
{
    [Fact]
    public void Exp_matches_the_double_precision_exponential_over_the_softmax_range()
    {
        double worst = 0;
        for (int i = 0; i <= 100_000; i++)
        {
            float x = -80f * i / 100_000;
            worst = Math.Max(worst, Math.Abs(FastExp.Exp(x) - Math.Exp(x)) / Math.Exp(x));
        }
        worst.Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Vector_lanes_equal_the_scalar_form_bit_for_bit()
    {
        var xs = Enumerable.Range(0, 16).Select(i => -0.37f * i * i).ToArray();
        var v = FastExp.Exp(Vector512.Create(xs));
        for (int i = 0; i < 16; i++)
            v[i].Should().Be(FastExp.Exp(xs[i]));
    }

    [Fact]
    public void Arguments_below_the_range_and_minus_infinity_give_zero_in_both_forms()
    {
        float[] xs = [float.NegativeInfinity, -1000f, -88f, -87.5f, -87f, 0f, -1f, -2f, -3f, -4f, -5f, -6f, -7f, -8f, -9f, -10f];
        var v = FastExp.Exp(Vector512.Create(xs));
        for (int i = 0; i < 4; i++)
        {
            v[i].Should().Be(0f);
            FastExp.Exp(xs[i]).Should().Be(0f);
        }
        for (int i = 4; i < 16; i++)
            v[i].Should().Be(FastExp.Exp(xs[i]));
        FastExp.Exp(0f).Should().Be(1f);
    }
}

public sealed class FastExpDoubleTests
{
    [Fact]
    public void Double_exp_is_within_two_ulps_of_Math_Exp_down_to_minus_708()
    {
        var random = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i < 100_000 ? -708.0 * i / 100_000 : -random.NextDouble() * (i % 2 == 0 ? 1 : 60);
            double expected = Math.Exp(x), actual = FastExp.Exp(x);
            Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(2 * Math.BitIncrement(expected) - 2 * expected, $"x = {x:R}");
        }
    }

    [Fact]
    public void Double_lanes_equal_the_scalar_form_and_out_of_range_gives_zero()
    {
        double[] xs = [0, -1e-300, -0.5, -0.34657359, -10, -100, -707.9, -708, -708.5, double.NegativeInfinity];
        for (int start = 0; start + 8 <= xs.Length; start += 2)
        {
            var v = FastExp.Exp(Vector512.Create(xs.AsSpan(start, 8)));
            for (int i = 0; i < 8; i++)
                v[i].Should().Be(FastExp.Exp(xs[start + i]));
        }
        FastExp.Exp(0.0).Should().Be(1.0);
        FastExp.Exp(-708.5).Should().Be(0.0);
        FastExp.Exp(double.NaN).Should().Be(0.0);
        FastExp.Exp(Vector512.Create(double.NaN))[0].Should().Be(0.0);
    }
    [Fact]
    public void The_8_lane_float_form_equals_the_scalar_form_bit_for_bit_in_and_out_of_range()
    {
        // Machines without AVX-512 run this form; a model must give the same numbers there as with AVX-512.
        float[] xs = [0f, -0f, -1e-30f, -0.34657f, -1f, -10.5f, -50f, -86.99f, -87f, -87.01f, -88f, -1000f,
            float.NegativeInfinity, float.NaN, -3.3f, -0.125f];
        for (int start = 0; start + 8 <= xs.Length; start += 4)
        {
            var v = FastExp.Exp(Vector256.Create(xs.AsSpan(start, 8)));
            var wide = FastExp.Exp(Vector512.Create([.. xs.AsSpan(start, 8), .. xs.AsSpan(start, 8)]));
            for (int i = 0; i < 8; i++)
            {
                BitConverter.SingleToInt32Bits(v[i]).Should().Be(BitConverter.SingleToInt32Bits(FastExp.Exp(xs[start + i])), $"exp({xs[start + i]})");
                BitConverter.SingleToInt32Bits(v[i]).Should().Be(BitConverter.SingleToInt32Bits(wide[i]), $"exp({xs[start + i]})");
            }
        }
    }

    [Fact]
    public void The_4_lane_double_form_equals_the_scalar_form_bit_for_bit_in_and_out_of_range()
    {
        // Built without a double-to-long conversion (AVX2 has none): 2^n must still come out exactly, down to −708.
        double[] xs = [0, -0.0, -1e-300, -0.5, -0.34657359, -10, -100, -707.9, -708, -708.5, double.NegativeInfinity, double.NaN];
        for (int i = 0; i <= 1000; i++)
        {
            double x = -708.0 * i / 1000;
            var v = FastExp.Exp(Vector256.Create(x, x - 0.1, x * 0.5, x * 0.999));
            v[0].Should().Be(FastExp.Exp(x));
            v[1].Should().Be(FastExp.Exp(x - 0.1));
            v[2].Should().Be(FastExp.Exp(x * 0.5));
            v[3].Should().Be(FastExp.Exp(x * 0.999));
        }
        for (int start = 0; start + 4 <= xs.Length; start += 2)
        {
            var v = FastExp.Exp(Vector256.Create(xs.AsSpan(start, 4)));
            for (int i = 0; i < 4; i++)
                v[i].Should().Be(FastExp.Exp(xs[start + i]), $"exp({xs[start + i]})");
        }
    }
}
