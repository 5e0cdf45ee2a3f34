using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// The two inner loops of attention over one page block of keys or values, computed many keys at a time but rounded
/// exactly as the one-key-at-a-time forms: a score is <see cref="Vectors.Dot"/> of the query and the key times the
/// scale, and the output is <see cref="Vectors.MultiplyAdd"/> of each value in key order. Tests check bitwise equality
/// with those forms.
/// </summary>
/// <remarks>
/// One key at a time, a score paid a 16-lane horizontal sum (about ten instructions) for four FMAs, and every value
/// re-loaded and re-stored the output. Here 16 keys keep 16 accumulators and are reduced together by a transposition
/// that adds lanes in <see cref="Vectors.Sum(Vector512{float})"/>'s order (halves, quarters, then pairs); the output
/// stays in a register across the block's keys.
/// </remarks>
internal static class AttentionBlocks
{
    /// <summary>scores[i] = Dot(q, keys[i]) · scale for the <paramref name="n"/> keys stored one after another.</summary>
    public static void Scores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int n, float scale, Span<float> scores)
    {
        int headDim = q.Length, i = 0;
        if (keys.Length < n * headDim || scores.Length < n)
            throw new ArgumentException($"{n} keys of {headDim} need {n * headDim} floats and {n} scores; got {keys.Length} and {scores.Length}.");
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && headDim % 16 == 0)
            for (; i + 16 <= n; i += 16)
                Scores16(q, keys.Slice(i * headDim, 16 * headDim), scale, scores.Slice(i, 16));
        for (; i < n; i++)
            scores[i] = Vectors.Dot(q, keys.Slice(i * headDim, headDim)) * scale;
    }

    private static readonly Vector512<int> KeyOrder = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores16(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        ref float pq = ref MemoryMarshal.GetReference(q);
        ref float k = ref MemoryMarshal.GetReference(keys);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        nuint stride = (nuint)headDim;
        for (nuint d = 0; d < (nuint)headDim; d += 16)
        {
            var x = Vector512.LoadUnsafe(ref pq, d);
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + stride), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 2 * stride), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 3 * stride), a3);
            a4 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 4 * stride), a4);
            a5 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 5 * stride), a5);
            a6 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 6 * stride), a6);
            a7 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 7 * stride), a7);
            a8 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 8 * stride), a8);
            a9 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 9 * stride), a9);
            a10 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 10 * stride), a10);
            a11 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 11 * stride), a11);
            a12 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 12 * stride), a12);
            a13 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 13 * stride), a13);
            a14 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 14 * stride), a14);
            a15 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, d + 15 * stride), a15);
        }
        // Halves: [a_j lanes 0-7 + lanes 8-15 | the same for a_j+1], as Sum's first step.
        var h0 = Halves(a0, a1); var h1 = Halves(a2, a3); var h2 = Halves(a4, a5); var h3 = Halves(a6, a7);
        var h4 = Halves(a8, a9); var h5 = Halves(a10, a11); var h6 = Halves(a12, a13); var h7 = Halves(a14, a15);
        // Quarters: the 4-lane block j holds key 4·m + j's quarter (m = which of the four vectors).
        var q0 = Quarters(h0, h1); var q1 = Quarters(h2, h3); var q2 = Quarters(h4, h5); var q3 = Quarters(h6, h7);
        // Pairs: (e0 + e1) + (e2 + e3) within each quarter.
        var p01 = Pairs(q0, q1);
        var p23 = Pairs(q2, q3);
        var sums = Avx512F.Shuffle(p01, p23, 0b10_00_10_00) + Avx512F.Shuffle(p01, p23, 0b11_01_11_01);
        // Lane 4·b + c now holds key 4·c + b.
        (Avx512F.PermuteVar16x32(sums, KeyOrder) * Vector512.Create(scale)).StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0b10_00_10_00) + Avx512F.Shuffle4x128(x, y, 0b11_01_11_01);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b10_00_10_00) + Avx512F.Shuffle(x, y, 0b11_01_11_01);

    /// <summary>output += Σ_i weights[i] · values[i] over the <paramref name="n"/> values, each fused in key order.</summary>
    public static void Accumulate(ReadOnlySpan<float> weights, ReadOnlySpan<float> values, int n, Span<float> output)
    {
        int headDim = output.Length;
        if (values.Length < n * headDim || weights.Length < n)
            throw new ArgumentException($"{n} values of {headDim} need {n * headDim} floats and {n} weights; got {values.Length} and {weights.Length}.");
        ref float v = ref MemoryMarshal.GetReference(values);
        ref float o = ref MemoryMarshal.GetReference(output);
        ref float w = ref MemoryMarshal.GetReference(weights);
        int d = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; d + 16 <= headDim; d += 16)
            {
                var acc = Vector512.LoadUnsafe(ref o, (nuint)d);
                for (int i = 0; i < n; i++)
                    acc = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref w, i)), Vector512.LoadUnsafe(ref v, (nuint)(i * headDim + d)), acc);
                acc.StoreUnsafe(ref o, (nuint)d);
            }
        else
            for (; d + 8 <= headDim; d += 8)
            {
                var acc = Vector256.LoadUnsafe(ref o, (nuint)d);
                for (int i = 0; i < n; i++)
                    acc = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref w, i)), Vector256.LoadUnsafe(ref v, (nuint)(i * headDim + d)), acc);
                acc.StoreUnsafe(ref o, (nuint)d);
            }
        for (; d < headDim; d++)
        {
            float acc = Unsafe.Add(ref o, d);
            for (int i = 0; i < n; i++)
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, i), Unsafe.Add(ref v, i * headDim + d), acc);
            Unsafe.Add(ref o, d) = acc;
        }
    }
}
