using Reasoning.Engine.Kernels;

namespace Reasoning.Training.Kernels;

/// <summary>
/// RMSNorm of one vector and its gradient: y = x · r · w with r = 1 / sqrt(mean(x²) + eps).
/// The forward returns r so the backward can rebuild x̂ = x · r without storing it.
/// </summary>
public static class RmsNormOps
{
    /// <summary>Writes y = x · r · w and returns r.</summary>
    public static float Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, float eps, Span<float> y)
    {
        // y comes from the engine's own kernel, so exported models reproduce the trainer's logits bit for bit.
        float sumSquares = 0;
        foreach (float v in x)
            sumSquares += v * v;
        RmsNorm.Apply(x, w, eps, y);
        return 1f / MathF.Sqrt(sumSquares / x.Length + eps);
    }

    /// <summary>
    /// Given dy, adds dx = r·(dy∘w) − x · r³/n · Σ(dy∘w∘x) into <paramref name="dx"/> (accumulates, for the residual),
    /// and dw += dy ∘ x · r into <paramref name="dw"/> unless it is empty.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, float r, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw)
    {
        int n = x.Length;
        float dot = 0;
        for (int i = 0; i < n; i++)
            dot += dy[i] * w[i] * x[i];
        float k = r * r * r * dot / n;
        for (int i = 0; i < n; i++)
            dx[i] += r * dy[i] * w[i] - k * x[i];
        if (!dw.IsEmpty)
            for (int i = 0; i < n; i++)
                dw[i] += dy[i] * x[i] * r;
    }
}
