using FluentAssertions;
using Reasoning.Training.Kernels;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Kernels;

public sealed class GemmTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(8, 32, 16, 2)]
    [InlineData(13, 37, 300, 2)]
    [InlineData(70, 65, 520, 1)]
    [InlineData(5, 100, 7, 2)]
    public void Forward_and_both_backward_products_match_the_scalar_reference(int m, int n, int k, int threads)
    {
        var x = Numeric.Random(m * k, 1);
        var w = Numeric.Random(n * k, 2);
        var dy = Numeric.Random(m * n, 3);

        var y = Numeric.Random(m * n, 4);
        var yRef = (float[])y.Clone();
        Gemm.Forward(x, 0, m, k, w, 0, n, y, 0, accumulate: true, threads);
        GemmReference.Multiply(new Gemm.View(x, 0, k, 1), new Gemm.View(w, 0, 1, k), yRef, 0, n, m, k, n, accumulate: true);
        y.Should().BeEquivalentTo(yRef, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-4f + 1e-5f * Math.Abs(c.Expectation))).WhenTypeIs<float>());

        var dx = new float[m * k];
        var dxRef = new float[m * k];
        Gemm.BackwardInput(dy, 0, m, n, w, 0, k, dx, 0, accumulate: false, threads);
        GemmReference.Multiply(new Gemm.View(dy, 0, n, 1), new Gemm.View(w, 0, k, 1), dxRef, 0, k, m, n, k, accumulate: false);
        MaxError(dx, dxRef).Should().BeLessThan(1e-4);

        var dw = Numeric.Random(n * k, 5);
        var dwRef = (float[])dw.Clone();
        Gemm.BackwardWeight(dy, 0, m, n, x, 0, k, dw, 0, threads);
        GemmReference.Multiply(new Gemm.View(dy, 0, 1, n), new Gemm.View(x, 0, k, 1), dwRef, 0, k, n, m, k, accumulate: true);
        MaxError(dw, dwRef).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void Backward_products_are_the_gradients_of_the_forward()
    {
        int m = 5, n = 7, k = 9;
        var x = Numeric.Random(m * k, 1);
        var w = Numeric.Random(n * k, 2);
        var r = Numeric.Random(m * n, 3);
        double Loss()
        {
            var y = new float[m * n];
            Gemm.Forward(x, 0, m, k, w, 0, n, y, 0, false, 1);
            return Numeric.Project(y, r);
        }
        var dx = new float[m * k];
        var dw = new float[n * k];
        Gemm.BackwardInput(r, 0, m, n, w, 0, k, dx, 0, false, 1);
        Gemm.BackwardWeight(r, 0, m, n, x, 0, k, dw, 0, 1);
        Numeric.CheckGradient(Loss, x, dx, "dX");
        Numeric.CheckGradient(Loss, w, dw, "dW");
    }

    [Fact]
    public void Results_are_bitwise_identical_for_any_thread_count()
    {
        int m = 100, n = 70, k = 600;
        var x = Numeric.Random(m * k, 1);
        var dy = Numeric.Random(m * n, 3);
        var one = new float[n * k];
        var two = new float[n * k];
        Gemm.BackwardWeight(dy, 0, m, n, x, 0, k, one, 0, 1);
        Gemm.BackwardWeight(dy, 0, m, n, x, 0, k, two, 0, 2);
        two.Should().Equal(one);
    }

    [Fact]
    public void Vector256_and_Vector512_kernels_give_bitwise_the_same_result()
    {
        // Machines without AVX-512 run the Vector256 sub-tiles; they must round exactly as the Vector512 tile does,
        // so a training run is the same on both. Odd sizes reach the edge tiles; row-major and transposed A both.
        int m = 45, n = 70, k = 300;
        var x = Numeric.Random(m * k, 5);
        var w = Numeric.Random(n * k, 6);
        var wide = new float[m * n];
        var narrow = new float[m * n];
        var forwardA = new Gemm.View(x, 0, k, 1);
        var weightB = new Gemm.View(w, 0, 1, k);
        Gemm.Multiply(forwardA, weightB, wide, 0, n, m, k, n, accumulate: false, threads: 2, vector512: true);
        Gemm.Multiply(forwardA, weightB, narrow, 0, n, m, k, n, accumulate: false, threads: 1, vector512: false);
        narrow.Should().Equal(wide);

        var transposedA = new Gemm.View(x, 0, 1, k);   // A(i, p) = x[p, i]: the dW product's layout
        var b = new Gemm.View(w, 0, n, 1);
        wide = new float[k * n];
        narrow = new float[k * n];
        Gemm.Multiply(transposedA, b, wide, 0, n, k, Math.Min(m, n), n, accumulate: false, threads: 1, vector512: true);
        Gemm.Multiply(transposedA, b, narrow, 0, n, k, Math.Min(m, n), n, accumulate: false, threads: 1, vector512: false);
        narrow.Should().Equal(wide);
    }

    private static double MaxError(float[] a, float[] b) => a.Zip(b, (p, q) => (double)Math.Abs(p - q)).Max();
}
