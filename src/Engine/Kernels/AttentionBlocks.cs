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
/// re-loaded and re-stored the output. Here 16 keys of a chunk-major block (see <see cref="Kv.PagePool"/>) keep 16
/// accumulators, read in address order, and are reduced together by <see cref="Reductions.Sum16"/>, bitwise
/// <see cref="Vectors.Sum(Vector512{float})"/> of each. The value pass serves two query
/// heads of a grouped-query group from each value load, with 4–8 independent accumulators so the FMA latency
/// (4 cycles) is hidden; a single chain of one accumulator per 16 lanes ran at a quarter of the FMA rate.
/// </remarks>
internal static partial class AttentionBlocks
{
    /// <summary>scores[i] = Dot(q, keys[i]) · scale for the <paramref name="n"/> keys stored one after another (row-major).</summary>
    public static void Scores(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int n, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        if (keys.Length < n * headDim || scores.Length < n)
            throw new ArgumentException($"{n} keys of {headDim} need {n * headDim} floats and {n} scores; got {keys.Length} and {scores.Length}.");
        for (int i = 0; i < n; i++)
            scores[i] = Vectors.Dot(q, keys.Slice(i * headDim, headDim)) * scale;
    }

    /// <summary>
    /// scores[i] = Dot(q, key i) · scale for the first <paramref name="n"/> keys of a chunk-major block: lanes
    /// 16c..16c+15 of key i sit at <c>keys[(c · planeSlots + i) · 16]</c> (see <see cref="Kv.PagePool"/>). Bitwise
    /// <see cref="Vectors.Dot"/> of the key's lanes in order; the block is read in address order, 16 keys at a time.
    /// </summary>
    public static void ScoresChunked(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int n, int planeSlots, float scale, Span<float> scores)
    {
        int headDim = q.Length, chunks = headDim / 16, i = 0;
        if (headDim % 16 != 0 || n > planeSlots || keys.Length < chunks * planeSlots * 16 || scores.Length < n)
            throw new ArgumentException($"a chunk-major block of {planeSlots} keys of {headDim} lanes (a multiple of 16) needs {chunks * planeSlots * 16} floats and {n} ≤ {planeSlots} scores; got {keys.Length} and {scores.Length}.");
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                Scores16Chunked(q, keys[(i * 16)..], planeSlots, scale, scores.Slice(i, 16));
        else if (Avx.IsSupported)
            for (; i + 4 <= n; i += 4)
                Scores4Chunked256(q, keys[(i * 16)..], planeSlots, scale, scores.Slice(i, 4));
        for (; i < n; i++)
            scores[i] = DotChunked(q, keys, i, planeSlots) * scale;
    }

    /// <summary>One key of a chunk-major block against q, accumulated and summed exactly as <see cref="Vectors.Dot"/> does.</summary>
    private static float DotChunked(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int key, int planeSlots)
    {
        ref float pq = ref MemoryMarshal.GetReference(q);
        ref float k = ref MemoryMarshal.GetReference(keys);
        int chunks = q.Length / 16;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (int c = 0; c < chunks; c++)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pq, (nuint)(c * 16)), Vector512.LoadUnsafe(ref k, (nuint)((c * planeSlots + key) * 16)), acc);
            return Vectors.Sum(acc);
        }
        Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
        for (int c = 0; c < chunks; c++)
        {
            nuint at = (nuint)((c * planeSlots + key) * 16);
            lo = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pq, (nuint)(c * 16)), Vector256.LoadUnsafe(ref k, at), lo);
            hi = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pq, (nuint)(c * 16 + 8)), Vector256.LoadUnsafe(ref k, at + 8), hi);
        }
        return Vectors.Sum(lo, hi);
    }


    /// <summary>16 consecutive keys of a chunk-major block: for each chunk, 16 keys' lanes lie in one 1 KiB run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores16Chunked(ReadOnlySpan<float> q, ReadOnlySpan<float> keys, int planeSlots, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        ref float pq = ref MemoryMarshal.GetReference(q);
        ref float k = ref MemoryMarshal.GetReference(keys);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        nuint plane = (nuint)(planeSlots * 16);
        nuint at = 0;
        for (nuint d = 0; d < (nuint)headDim; d += 16, at += plane)
        {
            var x = Vector512.LoadUnsafe(ref pq, d);
            a0 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at), a0);
            a1 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 16), a1);
            a2 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 32), a2);
            a3 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 48), a3);
            a4 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 64), a4);
            a5 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 80), a5);
            a6 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 96), a6);
            a7 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 112), a7);
            a8 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 128), a8);
            a9 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 144), a9);
            a10 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 160), a10);
            a11 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 176), a11);
            a12 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 192), a12);
            a13 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 208), a13);
            a14 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 224), a14);
            a15 = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref k, at + 240), a15);
        }
        (Reductions.Sum16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) * Vector512.Create(scale))
            .StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>
    /// For each of <paramref name="count"/> queries j: output_j += Σ_i weights[j · weightStride + i] · values[i], where
    /// output_j is the j-th head-wide slice of <paramref name="outputs"/>. Every output lane is fused in key order, as
    /// <see cref="Vectors.MultiplyAdd"/> once per value would; two queries at a time share each value load, and eight
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
        // 64 lanes a pass with AVX-512, 32 without (AttentionBlocks256.cs): 8 accumulators either way.
        bool wide = Vector512.IsHardwareAccelerated;
        int lanes = wide ? 64 : 32;
        for (; d + lanes <= headDim; d += lanes)
        {
            int j = 0;
            for (; j + 2 <= count; j += 2)
            {
                ref float wj = ref Unsafe.Add(ref w, j * weightStride);
                ref float oj = ref Unsafe.Add(ref o, j * headDim + d);
                if (wide)
                    Accumulate2x64<F32Rows>(ref wj, weightStride, ref Unsafe.As<float, byte>(ref Unsafe.Add(ref v, d)), headDim * sizeof(float), n, ref oj, headDim);
                else
                    Accumulate2x32<F32Rows256>(ref wj, weightStride, ref Unsafe.As<float, byte>(ref Unsafe.Add(ref v, d)), headDim * sizeof(float), n, ref oj, headDim);
            }
            for (; j < count; j++)
            {
                ref float wj = ref Unsafe.Add(ref w, j * weightStride);
                ref float oj = ref Unsafe.Add(ref o, j * headDim + d);
                if (wide)
                    Accumulate1x64<F32Rows>(ref wj, ref Unsafe.As<float, byte>(ref Unsafe.Add(ref v, d)), headDim * sizeof(float), n, ref oj);
                else
                    Accumulate1x32<F32Rows256>(ref wj, ref Unsafe.As<float, byte>(ref Unsafe.Add(ref v, d)), headDim * sizeof(float), n, ref oj);
            }
        }
        for (int j = 0; j < count; j++)
            AccumulateRest(ref Unsafe.Add(ref w, j * weightStride), ref v, headDim, n, d, ref Unsafe.Add(ref o, j * headDim));
    }

    /// <summary>How a block stores 64 lanes of a value row, and how they are read as four f32 vectors (lanes 0–15, …, 48–63).</summary>
    private interface IValueRows
    {
        static abstract void Load64(ref byte row, out Vector512<float> v0, out Vector512<float> v1, out Vector512<float> v2, out Vector512<float> v3);
    }

    /// <summary>f32 lanes in order.</summary>
    private struct F32Rows : IValueRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Load64(ref byte row, out Vector512<float> v0, out Vector512<float> v1, out Vector512<float> v2, out Vector512<float> v3)
        {
            ref float f = ref Unsafe.As<byte, float>(ref row);
            v0 = Vector512.LoadUnsafe(ref f);
            v1 = Vector512.LoadUnsafe(ref f, 16);
            v2 = Vector512.LoadUnsafe(ref f, 32);
            v3 = Vector512.LoadUnsafe(ref f, 48);
        }
    }

    /// <summary>Two queries, 64 lanes: eight accumulators sharing each value load; rows <paramref name="rowBytes"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate2x64<T>(ref float w, int weightStride, ref byte v, int rowBytes, int n, ref float o, int outputStride)
        where T : struct, IValueRows
    {
        ref float o1 = ref Unsafe.Add(ref o, outputStride);
        ref float w1 = ref Unsafe.Add(ref w, weightStride);
        Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
        Vector512<float> b0 = Vector512.LoadUnsafe(ref o1), b1 = Vector512.LoadUnsafe(ref o1, 16), b2 = Vector512.LoadUnsafe(ref o1, 32), b3 = Vector512.LoadUnsafe(ref o1, 48);
        for (int i = 0; i < n; i++)
        {
            T.Load64(ref Unsafe.Add(ref v, (nint)i * rowBytes), out var v0, out var v1, out var v2, out var v3);
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

    /// <summary>One query, 64 lanes: four independent accumulators; rows <paramref name="rowBytes"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate1x64<T>(ref float w, ref byte v, int rowBytes, int n, ref float o)
        where T : struct, IValueRows
    {
        Vector512<float> a0 = Vector512.LoadUnsafe(ref o), a1 = Vector512.LoadUnsafe(ref o, 16), a2 = Vector512.LoadUnsafe(ref o, 32), a3 = Vector512.LoadUnsafe(ref o, 48);
        for (int i = 0; i < n; i++)
        {
            T.Load64(ref Unsafe.Add(ref v, (nint)i * rowBytes), out var v0, out var v1, out var v2, out var v3);
            var x = Vector512.Create(Unsafe.Add(ref w, i));
            a0 = Vector512.FusedMultiplyAdd(x, v0, a0);
            a1 = Vector512.FusedMultiplyAdd(x, v1, a1);
            a2 = Vector512.FusedMultiplyAdd(x, v2, a2);
            a3 = Vector512.FusedMultiplyAdd(x, v3, a3);
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
