using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

/// <summary>The SwiGLU gate: out = silu(gate) · up, silu(g) = g / (1 + e^(−g)).</summary>
public static class Activations
{
    /// <summary>Writes silu(gate[i]) · up[i] into <paramref name="result"/> (which may alias either input).</summary>
    /// <remarks>
    /// With e = e^(−|g|) ≤ 1 (<see cref="FastExp"/>, relative error ~2e-7), silu(g) = g / (1 + e) for g ≥ 0 and
    /// g · e / (1 + e) below: the exponential never overflows, so a very negative gate gives 0 rather than g / ∞.
    /// The Vector512 lanes, the Vector256 lanes (machines without AVX-512) and the scalar tail run the same operations
    /// and agree bit for bit. .NET 10's <c>Vector512.Exp</c> / <c>Vector256.Exp</c>, used before, work in double: the
    /// 4 × 4,864 gates of one layer of a batch-4 Qwen2.5-0.5B step took 43 µs on a Zen 3 core, now 20 (the engine
    /// thread runs this alone, between two matrix products, 24 times a step).
    /// </remarks>
    public static void SiluMul(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> result)
    {
        if (up.Length < gate.Length || result.Length < gate.Length)
            throw new ArgumentException($"SiluMul of {gate.Length} floats: up {up.Length}, result {result.Length}.");
        ref float pg = ref MemoryMarshal.GetReference(gate);
        ref float pu = ref MemoryMarshal.GetReference(up);
        ref float pr = ref MemoryMarshal.GetReference(result);
        int n = gate.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref pg, (nuint)i);
                var e = FastExp.Exp(-Vector512.Abs(g));
                var silu = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(g, Vector512<float>.Zero), g, g * e) / (Vector512<float>.One + e);
                (silu * Vector512.LoadUnsafe(ref pu, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                var g = Vector256.LoadUnsafe(ref pg, (nuint)i);
                var e = FastExp.Exp(-Vector256.Abs(g));
                var silu = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(g, Vector256<float>.Zero), g, g * e) / (Vector256<float>.One + e);
                (silu * Vector256.LoadUnsafe(ref pu, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref pg, i);
            float e = FastExp.Exp(-MathF.Abs(g));
            float silu = (g >= 0f ? g : g * e) / (1f + e);
            Unsafe.Add(ref pr, i) = silu * Unsafe.Add(ref pu, i);
        }
    }
}
