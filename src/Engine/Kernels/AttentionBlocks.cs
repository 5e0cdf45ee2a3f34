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

    /// <summary>
    /// Scores of <paramref name="count"/> queries (stored one after another in <paramref name="queries"/>) against the
    /// same <paramref name="n"/> keys: query j's scores go to <c>scores[j · scoreStride + i]</c>. Each equals
    /// <see cref="Scores"/> for that query alone, bit for bit; two queries at a time share every key load.
    /// </summary>
    public static void ScoresGroup(ReadOnlySpan<float> queries, int count, ReadOnlySpan<float> keys, int n, float scale, Span<float> scores, int scoreStride)
    {
        int headDim = queries.Length / count, j = 0;
        if (queries.Length != count * headDim || keys.Length < n * headDim || scores.Length < (count - 1) * scoreStride + n)
            throw new ArgumentException($"{count} queries of {headDim} against {n} keys need {count * headDim} query floats, {n * headDim} key floats and a score row of {n} every {scoreStride}.");
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && headDim % 16 == 0)
            for (; j + 2 <= count; j += 2)
            {
                var qa = queries.Slice(j * headDim, headDim);
                var qb = queries.Slice((j + 1) * headDim, headDim);
                var sa = scores.Slice(j * scoreStride, n);
                var sb = scores.Slice((j + 1) * scoreStride, n);
                int i = 0;
                for (; i + 8 <= n; i += 8)
                    Scores8x2(qa, qb, keys.Slice(i * headDim, 8 * headDim), scale, sa.Slice(i, 8), sb.Slice(i, 8));
                for (; i < n; i++)
                {
                    var key = keys.Slice(i * headDim, headDim);
                    sa[i] = Vectors.Dot(qa, key) * scale;
                    sb[i] = Vectors.Dot(qb, key) * scale;
                }
            }
        for (; j < count; j++)
            Scores(queries.Slice(j * headDim, headDim), keys, n, scale, scores.Slice(j * scoreStride, n));
    }

    /// <summary>Two queries against eight keys: the sixteen dot products of <see cref="Scores16"/>, reduced the same way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores8x2(ReadOnlySpan<float> qa, ReadOnlySpan<float> qb, ReadOnlySpan<float> keys, float scale, Span<float> scoresA, Span<float> scoresB)
    {
        int headDim = qa.Length;
        ref float pa = ref MemoryMarshal.GetReference(qa);
        ref float pb = ref MemoryMarshal.GetReference(qb);
        ref float k = ref MemoryMarshal.GetReference(keys);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        nuint stride = (nuint)headDim;
        for (nuint d = 0; d < (nuint)headDim; d += 16)
        {
            var x = Vector512.LoadUnsafe(ref pa, d);
            var y = Vector512.LoadUnsafe(ref pb, d);
            var k0 = Vector512.LoadUnsafe(ref k, d);
            a0 = Vector512.FusedMultiplyAdd(x, k0, a0); b0 = Vector512.FusedMultiplyAdd(y, k0, b0);
            var k1 = Vector512.LoadUnsafe(ref k, d + stride);
            a1 = Vector512.FusedMultiplyAdd(x, k1, a1); b1 = Vector512.FusedMultiplyAdd(y, k1, b1);
            var k2 = Vector512.LoadUnsafe(ref k, d + 2 * stride);
            a2 = Vector512.FusedMultiplyAdd(x, k2, a2); b2 = Vector512.FusedMultiplyAdd(y, k2, b2);
            var k3 = Vector512.LoadUnsafe(ref k, d + 3 * stride);
            a3 = Vector512.FusedMultiplyAdd(x, k3, a3); b3 = Vector512.FusedMultiplyAdd(y, k3, b3);
            var k4 = Vector512.LoadUnsafe(ref k, d + 4 * stride);
            a4 = Vector512.FusedMultiplyAdd(x, k4, a4); b4 = Vector512.FusedMultiplyAdd(y, k4, b4);
            var k5 = Vector512.LoadUnsafe(ref k, d + 5 * stride);
            a5 = Vector512.FusedMultiplyAdd(x, k5, a5); b5 = Vector512.FusedMultiplyAdd(y, k5, b5);
            var k6 = Vector512.LoadUnsafe(ref k, d + 6 * stride);
            a6 = Vector512.FusedMultiplyAdd(x, k6, a6); b6 = Vector512.FusedMultiplyAdd(y, k6, b6);
            var k7 = Vector512.LoadUnsafe(ref k, d + 7 * stride);
            a7 = Vector512.FusedMultiplyAdd(x, k7, a7); b7 = Vector512.FusedMultiplyAdd(y, k7, b7);
        }
        var sums = Reduce16(a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7) * Vector512.Create(scale);
        sums.GetLower().StoreUnsafe(ref MemoryMarshal.GetReference(scoresA));
        sums.GetUpper().StoreUnsafe(ref MemoryMarshal.GetReference(scoresB));
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
        (Reduce16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) * Vector512.Create(scale))
            .StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>Lane j of the result is the sum of a_j's sixteen lanes, added in <see cref="Vectors.Sum(Vector512{float})"/>'s order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce16(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, Vector512<float> a8, Vector512<float> a9,
        Vector512<float> a10, Vector512<float> a11, Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
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
        return Avx512F.PermuteVar16x32(sums, KeyOrder);
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
    public static void Accumulate(ReadOnlySpan<float> weights, ReadOnlySpan<float> values, int n, Span<float> output) =>
        AccumulateGroup(weights, weights.Length, 1, values, n, output);

    /// <summary>
    /// For each of <paramref name="count"/> queries j: output_j += Σ_i weights[j · weightStride + i] · values[i], where
    /// output_j is the j-th head-wide slice of <paramref name="outputs"/>. Every output lane is fused in key order, as
    /// <see cref="Vectors.MultiplyAdd"/> once per value would; up to four queries share each value load, and sixteen
    /// independent accumulators hide the FMA latency.
    /// </summary>
    public static void AccumulateGroup(ReadOnlySpan<float> weights, int weightStride, int count, ReadOnlySpan<float> values, int n, Span<float> outputs)
    {
        int headDim = outputs.Length / count;
        if (outputs.Length != count * headDim || values.Length < n * headDim || weights.Length < (count - 1) * weightStride + n)
            throw new ArgumentException($"{count} outputs of {headDim} over {n} values need {n * headDim} value floats and a weight row of {n} every {weightStride}.");
        ref float v = ref MemoryMarshal.GetReference(values);
        ref float o = ref MemoryMarshal.GetReference(outputs);
        ref float w = ref MemoryMarshal.GetReference(weights);
        int d = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; d + 64 <= headDim; d += 64)
            {
                int j = 0;
                for (; j + 4 <= count; j += 4)
                    Accumulate4x64(ref Unsafe.Add(ref w, j * weightStride), weightStride, ref Unsafe.Add(ref v, d), headDim, n, ref Unsafe.Add(ref o, j * headDim + d), headDim);
                for (; j + 2 <= count; j += 2)
                    Accumulate2x64(ref Unsafe.Add(ref w, j * weightStride), weightStride, ref Unsafe.Add(ref v, d), headDim, n, ref Unsafe.Add(ref o, j * headDim + d), headDim);
                for (; j < count; j++)
                    Accumulate1x64(ref Unsafe.Add(ref w, j * weightStride), ref Unsafe.Add(ref v, d), headDim, n, ref Unsafe.Add(ref o, j * headDim + d));
            }
        for (int j = 0; j < count; j++)
            AccumulateRest(ref Unsafe.Add(ref w, j * weightStride), ref v, headDim, n, d, ref Unsafe.Add(ref o, j * headDim));
    }

    /// <summary>Four queries, 64 lanes: sixteen accumulators, four value loads and four weight broadcasts for sixteen FMAs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate4x64(ref float w, int weightStride, ref float v, int headDim, int n, ref float o, int outputStride)
    {
        ref float o1 = ref Unsafe.Add(ref o, outputStride);
        ref float o2 = ref Unsafe.Add(ref o, 2 * outputStride);
        ref float o3 = ref Unsafe.Add(ref o, 3 * outputStride);
        ref float w1 = ref Unsafe.Add(ref w, weightStride);
        ref float w2 = ref Unsafe.Add(ref w, 2 * weightStride);
        ref float w3 = ref Unsafe.Add(ref w, 3 * weightStride);
        Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
        Vector512<float> b0 = Vector512.LoadUnsafe(ref o1), b1 = Vector512.LoadUnsafe(ref o1, 16), b2 = Vector512.LoadUnsafe(ref o1, 32), b3 = Vector512.LoadUnsafe(ref o1, 48);
        Vector512<float> c0 = Vector512.LoadUnsafe(ref o2), c1 = Vector512.LoadUnsafe(ref o2, 16), c2 = Vector512.LoadUnsafe(ref o2, 32), c3 = Vector512.LoadUnsafe(ref o2, 48);
        Vector512<float> e0 = Vector512.LoadUnsafe(ref o3), e1 = Vector512.LoadUnsafe(ref o3, 16), e2 = Vector512.LoadUnsafe(ref o3, 32), e3 = Vector512.LoadUnsafe(ref o3, 48);
        for (int i = 0; i < n; i++)
        {
            nuint at = (nuint)(i * headDim);
            var v0 = Vector512.LoadUnsafe(ref v, at);
            var v1 = Vector512.LoadUnsafe(ref v, at + 16);
            var v2 = Vector512.LoadUnsafe(ref v, at + 32);
            var v3 = Vector512.LoadUnsafe(ref v, at + 48);
            var x = Vector512.Create(Unsafe.Add(ref w, i));
            a0 = Vector512.FusedMultiplyAdd(x, v0, a0); a1 = Vector512.FusedMultiplyAdd(x, v1, a1);
            a2 = Vector512.FusedMultiplyAdd(x, v2, a2); a3 = Vector512.FusedMultiplyAdd(x, v3, a3);
            x = Vector512.Create(Unsafe.Add(ref w1, i));
            b0 = Vector512.FusedMultiplyAdd(x, v0, b0); b1 = Vector512.FusedMultiplyAdd(x, v1, b1);
            b2 = Vector512.FusedMultiplyAdd(x, v2, b2); b3 = Vector512.FusedMultiplyAdd(x, v3, b3);
            x = Vector512.Create(Unsafe.Add(ref w2, i));
            c0 = Vector512.FusedMultiplyAdd(x, v0, c0); c1 = Vector512.FusedMultiplyAdd(x, v1, c1);
            c2 = Vector512.FusedMultiplyAdd(x, v2, c2); c3 = Vector512.FusedMultiplyAdd(x, v3, c3);
            x = Vector512.Create(Unsafe.Add(ref w3, i));
            e0 = Vector512.FusedMultiplyAdd(x, v0, e0); e1 = Vector512.FusedMultiplyAdd(x, v1, e1);
            e2 = Vector512.FusedMultiplyAdd(x, v2, e2); e3 = Vector512.FusedMultiplyAdd(x, v3, e3);
        }
        a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
        b0.StoreUnsafe(ref o1); b1.StoreUnsafe(ref o1, 16); b2.StoreUnsafe(ref o1, 32); b3.StoreUnsafe(ref o1, 48);
        c0.StoreUnsafe(ref o2); c1.StoreUnsafe(ref o2, 16); c2.StoreUnsafe(ref o2, 32); c3.StoreUnsafe(ref o2, 48);
        e0.StoreUnsafe(ref o3); e1.StoreUnsafe(ref o3, 16); e2.StoreUnsafe(ref o3, 32); e3.StoreUnsafe(ref o3, 48);
    }

    /// <summary>Two queries, 64 lanes: eight accumulators sharing four value loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate2x64(ref float w, int weightStride, ref float v, int headDim, int n, ref float o, int outputStride)
    {
        ref float o1 = ref Unsafe.Add(ref o, outputStride);
        ref float w1 = ref Unsafe.Add(ref w, weightStride);
        Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
        Vector512<float> b0 = Vector512.LoadUnsafe(ref o1), b1 = Vector512.LoadUnsafe(ref o1, 16), b2 = Vector512.LoadUnsafe(ref o1, 32), b3 = Vector512.LoadUnsafe(ref o1, 48);
        for (int i = 0; i < n; i++)
        {
            nuint at = (nuint)(i * headDim);
            var v0 = Vector512.LoadUnsafe(ref v, at);
            var v1 = Vector512.LoadUnsafe(ref v, at + 16);
            var v2 = Vector512.LoadUnsafe(ref v, at + 32);
            var v3 = Vector512.LoadUnsafe(ref v, at + 48);
            var x = Vector512.Create(Unsafe.Add(ref w, i));
            a0 = Vector512.FusedMultiplyAdd(x, v0, a0); a1 = Vector512.FusedMultiplyAdd(x, v1, a1);
            a2 = Vector512.FusedMultiplyAdd(x, v2, a2); a3 = Vector512.FusedMultiplyAdd(x, v3, a3);
            x = Vector512.Create(Unsafe.Add(ref w1, i));
            b0 = Vector512.FusedMultiplyAdd(x, v0, b0); b1 = Vector512.FusedMultiplyAdd(x, v1, b1);
            b2 = Vector512.FusedMultiplyAdd(x, v2, b2); b3 = Vector512.FusedMultiplyAdd(x, v3, b3);
        }
        a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
        b0.StoreUnsafe(ref o1); b1.StoreUnsafe(ref o1, 16); b2.StoreUnsafe(ref o1, 32); b3.StoreUnsafe(ref o1, 48);
    }

    /// <summary>One query, 64 lanes: four independent accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate1x64(ref float w, ref float v, int headDim, int n, ref float o)
    {
        Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
        for (int i = 0; i < n; i++)
        {
            nuint at = (nuint)(i * headDim);
            var x = Vector512.Create(Unsafe.Add(ref w, i));
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref v, at), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref v, at + 16), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref v, at + 32), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref v, at + 48), a3);
        }
        a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, 16); a2.StoreUnsafe(ref o, 32); a3.StoreUnsafe(ref o, 48);
    }

    /// <summary>Lanes <paramref name="from"/>.. of one output, 16 (or 8) at a time, then one by one.</summary>
    private static void AccumulateRest(ref float w, ref float v, int headDim, int n, int from, ref float o)
    {
        int d = from;
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
