using System.Runtime.Intrinsics;
using FluentAssertions;
using Reasoning.Training.Kernels;
using Xunit;

namespace Reasoning.Training.Tests.Kernels;

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
}
