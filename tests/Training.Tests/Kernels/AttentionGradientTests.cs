using FluentAssertions;
using Reasoning.Training.Kernels;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Kernels;

public sealed class AttentionGradientTests
{
    [Theory]
    [InlineData(4, 2, 16)]
    [InlineData(2, 2, 6)]
    [InlineData(4, 1, 8)]
    public void Causal_attention_backward_matches_finite_differences_with_grouped_heads(int heads, int kvHeads, int d)
    {
        var shape = new CausalAttention.Shape(heads, kvHeads, d);
        var segments = new List<(int, int)> { (0, 5), (5, 3) };
        int m = 8;
        var q = Numeric.Random(m * shape.QueryWidth, 1);
        var k = Numeric.Random(m * shape.KvWidth, 2);
        var v = Numeric.Random(m * shape.KvWidth, 3);
        var r = Numeric.Random(m * shape.QueryWidth, 4);
        var lse = new float[m * heads];
        double Loss()
        {
            var o = new float[m * shape.QueryWidth];
            CausalAttention.Forward(shape, segments, q, k, v, o, new float[m * heads], 2);
            return Numeric.Project(o, r);
        }
        var output = new float[m * shape.QueryWidth];
        CausalAttention.Forward(shape, segments, q, k, v, output, lse, 2);
        var dq = new float[q.Length];
        var dk = new float[k.Length];
        var dv = new float[v.Length];
        CausalAttention.Backward(shape, segments, q, k, v, output, lse, r, dq, dk, dv, 2);
        Numeric.CheckGradient(Loss, q, dq, "dq", h: 1e-3f);
        Numeric.CheckGradient(Loss, k, dk, "dk", h: 1e-3f);
        Numeric.CheckGradient(Loss, v, dv, "dv", h: 1e-3f);
    }

    [Fact]
    public void Blocked_attention_matches_the_row_by_row_reference_over_several_blocks()
    {
        var shape = new CausalAttention.Shape(4, 2, 16);
        var segments = new List<(int, int)> { (0, 150), (150, 70), (220, 1) };
        int m = 221;
        var q = Numeric.Random(m * shape.QueryWidth, 1);
        var k = Numeric.Random(m * shape.KvWidth, 2);
        var v = Numeric.Random(m * shape.KvWidth, 3);
        var dOut = Numeric.Random(m * shape.QueryWidth, 4);
        var (o1, l1, dq1, dk1, dv1) = Run(false);
        var (o2, l2, dq2, dk2, dv2) = Run(true);
        foreach (var (fast, slow, name) in new[] { (o1, o2, "out"), (l1, l2, "lse"), (dq1, dq2, "dq"), (dk1, dk2, "dk"), (dv1, dv2, "dv") })
            fast.Zip(slow, (a, b) => (double)Math.Abs(a - b)).Max().Should().BeLessThan(1e-4, name);

        (float[], float[], float[], float[], float[]) Run(bool reference)
        {
            var o = new float[m * shape.QueryWidth];
            var lse = new float[m * shape.Heads];
            var dq = new float[q.Length];
            var dk = new float[k.Length];
            var dv = new float[v.Length];
            if (reference)
            {
                CausalAttentionReference.Forward(shape, segments, q, k, v, o, lse, 2);
                CausalAttentionReference.Backward(shape, segments, q, k, v, o, lse, dOut, dq, dk, dv, 2);
            }
            else
            {
                CausalAttention.Forward(shape, segments, q, k, v, o, lse, 2);
                CausalAttention.Backward(shape, segments, q, k, v, o, lse, dOut, dq, dk, dv, 2);
            }
            return (o, lse, dq, dk, dv);
        }
    }

    [Fact]
    public void A_token_attends_only_to_its_own_sequence_and_the_past()
    {
        var shape = new CausalAttention.Shape(1, 1, 4);
        var q = Numeric.Random(6 * 4, 1);
        var k = Numeric.Random(6 * 4, 2);
        var v = Numeric.Random(6 * 4, 3);
        var segments = new List<(int, int)> { (0, 3), (3, 3) };
        var output = new float[6 * 4];
        CausalAttention.Forward(shape, segments, q, k, v, output, new float[6], 1);
        // The first token of each sequence sees only itself: its output is its own value.
        output.AsSpan(0, 4).ToArray().Should().Equal(v.AsSpan(0, 4).ToArray());
        output.AsSpan(12, 4).ToArray().Should().Equal(v.AsSpan(12, 4).ToArray());
        // Changing the future does not change the past.
        v[5 * 4] += 10f;
        var again = new float[6 * 4];
        CausalAttention.Forward(shape, segments, q, k, v, again, new float[6], 1);
        again.AsSpan(0, 20).ToArray().Should().Equal(output.AsSpan(0, 20).ToArray());
    }
}
