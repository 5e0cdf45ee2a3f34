namespace Reasoning.Engine.Kernels;

/// <summary>
/// Scalar, obviously-correct versions of <see cref="Vectors"/>, <see cref="Kernels.RmsNorm"/>, <see cref="Activations"/> and
/// <see cref="Kernels.Softmax"/>, computed in double precision: the SIMD kernels are tested against them.
/// </summary>
public static class ScalarReference
{
    /// <summary>Σ a[i] · b[i], in ascending order, in double precision.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return sum;
    }

    /// <summary>y[i] + a · x[i], exactly rounded once.</summary>
    public static void MultiplyAdd(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        for (int i = 0; i < y.Length; i++)
            y[i] = (float)((double)a * x[i] + y[i]);
    }

    /// <summary>RMSNorm: x / sqrt(mean(x²) + eps) · weight, in double precision.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        double scale = 1 / Math.Sqrt(Dot(x, x) / x.Length + eps);
        for (int i = 0; i < x.Length; i++)
            y[i] = (float)(x[i] * scale * weight[i]);
    }

    /// <summary>silu(gate) · up in double precision.</summary>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> result)
    {
        for (int i = 0; i < gate.Length; i++)
            result[i] = (float)(gate[i] / (1 + Math.Exp(-gate[i])) * up[i]);
    }

    /// <summary>softmax(values) in double precision, in place.</summary>
    public static void Softmax(Span<float> values)
    {
        double max = double.NegativeInfinity;
        foreach (float v in values)
            max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in values)
            sum += Math.Exp(v - max);
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(Math.Exp(values[i] - max) / sum);
    }
}
