using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

/// <summary>The SwiGLU gate: out = silu(gate) · up, silu(g) = g / (1 + e^(−g)).</summary>
public static class Activations
{
    /// <summary>Writes silu(gate[i]) · up[i] into <paramref name="result"/> (which may alias either input).</summary>
    /// <remarks><see cref="Vector512.Exp(Vector512{float})"/> is accurate to about an ulp, as MathF.Exp is.</remarks>
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
            var one = Vector512.Create(1f);
            for (; i + 16 <= n; i += 16)
            {
                var g = Vector512.LoadUnsafe(ref pg, (nuint)i);
                (g / (one + Vector512.Exp(-g)) * Vector512.LoadUnsafe(ref pu, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        else
        {
            // Without AVX-512 the same lanes as two halves (Vector512.Exp is emulated by Vector256.Exp there), and the
            // same 16-wide loop, so the scalar tail covers the same elements on every machine.
            var one = Vector256.Create(1f);
            for (; i + 16 <= n; i += 16)
            {
                for (int h = 0; h < 16; h += 8)
                {
                    var g = Vector256.LoadUnsafe(ref pg, (nuint)(i + h));
                    (g / (one + Vector256.Exp(-g)) * Vector256.LoadUnsafe(ref pu, (nuint)(i + h))).StoreUnsafe(ref pr, (nuint)(i + h));
                }
            }
        }
        for (; i < n; i++)
        {
            float g = Unsafe.Add(ref pg, i);
            Unsafe.Add(ref pr, i) = g / (1f + MathF.Exp(-g)) * Unsafe.Add(ref pu, i);
        }
    }
}
