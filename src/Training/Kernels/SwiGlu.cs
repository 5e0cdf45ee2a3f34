using Reasoning.Engine.Kernels;

namespace Reasoning.Training.Kernels;

/// <summary>The SwiGLU gate a = silu(g) · u and its gradient; silu(g) = g · σ(g).</summary>
public static class SwiGlu
{
    /// <summary>a[i] = silu(g[i]) · u[i].</summary>
    public static void Forward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, Span<float> a) =>
        Activations.SiluMul(g, u, a);   // the engine's kernel: exported models reproduce the trainer's logits

    /// <summary>From da, writes dg = da · u · σ(g)(1 + g(1 − σ(g))) and du = da · silu(g).</summary>
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> u, ReadOnlySpan<float> da, Span<float> dg, Span<float> du)
    {
        for (int i = 0; i < g.Length; i++)
        {
            float sigma = 1f / (1f + MathF.Exp(-g[i]));
            float silu = g[i] * sigma;
            float d = da[i];
            dg[i] = d * u[i] * sigma * (1f + g[i] * (1f - sigma));
            du[i] = d * silu;
        }
    }
}
