namespace Reasoning.Engine.Kernels;

/// <summary>RMSNorm as Hugging Face computes it: y = x / sqrt(mean(x²) + eps) · weight.</summary>
public static class RmsNorm
{
    /// <summary>Normalizes one vector; <paramref name="y"/> may alias <paramref name="x"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        float sumSquares = Vectors.SumOfSquares(x);
        float scale = 1f / MathF.Sqrt(sumSquares / x.Length + eps);
        Vectors.ScaleMultiply(x, scale, weight, y);
    }
}
