namespace Reasoning.Engine.Kernels;

/// <summary>The SwiGLU gate: out = silu(gate) · up, silu(g) = g / (1 + e^(−g)).</summary>
public static class Activations
{
    /// <summary>Writes silu(gate[i]) · up[i] into <paramref name="result"/> (which may alias either input).</summary>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> result)
    {
        for (int i = 0; i < gate.Length; i++)
        {
            float g = gate[i];
            result[i] = g / (1f + MathF.Exp(-g)) * up[i];
        }
    }
}
