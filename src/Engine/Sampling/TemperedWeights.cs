using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Sampling;

/// <summary>
/// The unnormalized weights w[i] = exp(logit[i] / t − max) of a tempered softmax, in double precision, computed with
/// vector exponentials (a scalar <see cref="Math.Exp"/> over a 150k vocabulary took ~0.8 ms a pass, several passes a
/// sampled token): <see cref="Kernels.FastExp"/>'s double form, 8 lanes with AVX-512 and 4 without, bitwise the same
/// either way (.NET's own Vector256.Exp, used before without AVX-512, made a draw ~0.7 ms on a Zen 3). A NaN logit weighs nothing. The total is summed in index order, the order in which the sampler's
/// cumulative walk adds the same weights, so the walk ends exactly at the total.
/// </summary>
internal static class TemperedWeights
{
    [ThreadStatic] private static double[]? t_buffer;

    /// <summary>A scratch span of <paramref name="length"/> doubles owned by the calling thread (valid until its next call).</summary>
    public static Span<double> Scratch(int length)
    {
        var buffer = t_buffer;
        if (buffer is null || buffer.Length < length)
            t_buffer = buffer = new double[Math.Max(length, 1024)];
        return buffer.AsSpan(0, length);
    }

    /// <summary>Fills <paramref name="weights"/> and returns their sum in index order.</summary>
    public static double Fill(ReadOnlySpan<float> logits, double t, double max, Span<double> weights)
    {
        if (weights.Length < logits.Length)
            throw new ArgumentException($"{weights.Length} weights for {logits.Length} logits.", nameof(weights));
        int n = logits.Length, i = 0;
        ref float l = ref MemoryMarshal.GetReference(logits);
        ref double w = ref MemoryMarshal.GetReference(weights);
        if (Vector512.IsHardwareAccelerated)
        {
            var vt = Vector512.Create(t);
            var vmax = Vector512.Create(max);
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector512.WidenLower(Vector256.LoadUnsafe(ref l, (nuint)i).ToVector512Unsafe());
                Kernels.FastExp.Exp(x / vt - vmax).StoreUnsafe(ref w, (nuint)i);   // NaN gives 0
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var vt = Vector256.Create(t);
            var vmax = Vector256.Create(max);
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector256.WidenLower(Vector128.LoadUnsafe(ref l, (nuint)i).ToVector256Unsafe());
                Kernels.FastExp.Exp(x / vt - vmax).StoreUnsafe(ref w, (nuint)i);   // NaN gives 0
            }
        }
        for (; i < n; i++)
            Unsafe.Add(ref w, i) = Kernels.FastExp.Exp(Unsafe.Add(ref l, i) / t - max);   // NaN gives 0
        double total = 0;
        for (int j = 0; j < n; j++)
            total += Unsafe.Add(ref w, j);
        return total;
    }
}
