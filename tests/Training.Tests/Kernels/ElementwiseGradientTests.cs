using FluentAssertions;
using Reasoning.Training.Kernels;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Kernels;

/// <summary>RMSNorm, RoPE, SwiGLU and cross-entropy backward kernels against central finite differences.</summary>
public sealed class ElementwiseGradientTests
{
    [Fact]
    public void RmsNorm_backward_matches_finite_differences()
    {
        int n = 37;
        var x = Numeric.Random(n, 1, 2f);
        var w = Numeric.Random(n, 2);
        var r = Numeric.Random(n, 3);
        double Loss()
        {
            var y = new float[n];
            RmsNormOps.Forward(x, w, 1e-5f, y);
            return Numeric.Project(y, r);
        }
        var y0 = new float[n];
        float inv = RmsNormOps.Forward(x, w, 1e-5f, y0);
        var dx = new float[n];
        var dw = new float[n];
        RmsNormOps.Backward(x, w, inv, r, dx, dw);
        Numeric.CheckGradient(Loss, x, dx, "dx", h: 1e-3f);
        Numeric.CheckGradient(Loss, w, dw, "dw", h: 1e-3f);
    }

    [Fact]
    public void Rope_backward_matches_finite_differences()
    {
        var rope = new RopeTable(16, 10000.0, 64);
        var x = Numeric.Random(16, 1);
        var r = Numeric.Random(16, 2);
        double Loss()
        {
            var y = (float[])x.Clone();
            rope.Forward(y, 37);
            return Numeric.Project(y, r);
        }
        var dx = (float[])r.Clone();
        rope.Backward(dx, 37);
        Numeric.CheckGradient(Loss, x, dx, "dx");
    }

    [Fact]
    public void Rope_matches_the_engines_rotation()
    {
        var engine = new Reasoning.Engine.Kernels.Rope(32, 500000.0);
        var rope = new RopeTable(32, 500000.0, 200);
        var x = Numeric.Random(32, 3);
        var y = (float[])x.Clone();
        engine.Apply(x, 123);
        rope.Forward(y, 123);
        y.Should().Equal(x);
    }

    [Fact]
    public void SwiGlu_backward_matches_finite_differences()
    {
        int n = 40;
        var g = Numeric.Random(n, 1, 4f);
        var u = Numeric.Random(n, 2, 2f);
        var r = Numeric.Random(n, 3);
        double Loss()
        {
            var a = new float[n];
            SwiGlu.Forward(g, u, a);
            return Numeric.Project(a, r);
        }
        var dg = new float[n];
        var du = new float[n];
        SwiGlu.Backward(g, u, r, dg, du);
        Numeric.CheckGradient(Loss, g, dg, "dg", h: 1e-3f);
        Numeric.CheckGradient(Loss, u, du, "du", h: 1e-3f);
    }

    [Fact]
    public void CrossEntropy_gradient_matches_finite_differences_and_scales_with_the_weight()
    {
        var logits = Numeric.Random(30, 1, 3f);
        double Loss() => CrossEntropy.ForwardBackward((float[])logits.Clone(), 7, 0.5f) * 0.5;
        var grad = (float[])logits.Clone();
        CrossEntropy.ForwardBackward(grad, 7, 0.5f);
        Numeric.CheckGradient(Loss, logits, grad, "dlogits", h: 1e-3f);

        var masked = (float[])logits.Clone();
        CrossEntropy.ForwardBackward(masked, 7, 0f);
        masked.Should().OnlyContain(v => v == 0f);
    }

    [Fact]
    public void CrossEntropy_loss_is_minus_log_softmax_of_the_target()
    {
        var logits = new float[] { 1f, 2f, 3f };
        double expected = -Math.Log(Math.Exp(2) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3)));
        CrossEntropy.ForwardBackward(logits, 1, 1f).Should().BeApproximately((float)expected, 1e-6f);
    }
}
