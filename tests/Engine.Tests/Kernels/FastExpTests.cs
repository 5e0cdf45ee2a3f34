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
