using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

// The two inner loops of attention read straight from a paired bf16 page block (Kv.PagePool.PairedBF16): each 64-byte
// unit holds 32 lanes, lane j in the low half of 32-bit word j and lane 16 + j in its high half — the layout of a packed
// bf16 weight chunk — so it widens exactly as the matrix kernels widen one (BF16Chunk: a shift and a mask). Every score and output lane then gets
// the same fused multiply-adds, in the same order, as the f32 kernels on the widened block, so the results are bitwise
// theirs; tests check that. Reading the bits in place halves the bytes attention pulls from L3 or DRAM, against
// widening the block into a scratch buffer first, which wrote and re-read twice the bytes it saved.
internal static unsafe partial class AttentionBlocks
{
    /// <summary>
    /// Whether attention uses the fused bf16 kernels here: a Vector512 family and a Vector256 one (either runs on any
    /// machine, emulated and slowly where the hardware lacks it, for tests).
    /// </summary>
    public static bool FusedBF16 => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>
    /// <see cref="ScoresChunked"/> for the first <paramref name="n"/> keys of a paired bf16 key block ([pair][slot][32],
    /// <paramref name="planeSlots"/> slots a plane): bitwise the same scores as the f32 kernel on the widened block.
    /// </summary>
    public static void ScoresPairedBF16(ReadOnlySpan<float> q, ushort* keys, int n, int planeSlots, float scale, Span<float> scores) =>
        ScoresPairedBF16(q, keys, n, planeSlots, scale, scores, Vector512.IsHardwareAccelerated);

    /// <summary>
    /// <see cref="ScoresPairedBF16(ReadOnlySpan{float}, ushort*, int, int, float, Span{float})"/> with the kernel family
    /// chosen: Vector512 (<paramref name="wide"/>, bitwise <see cref="ScoresChunked"/>'s AVX-512 path) or Vector256
    /// (bitwise its AVX2 path). The two families round differently, as the f32 ones do.
    /// </summary>
    internal static void ScoresPairedBF16(ReadOnlySpan<float> q, ushort* keys, int n, int planeSlots, float scale, Span<float> scores, bool wide)
    {
        int headDim = q.Length, i = 0;
        if (headDim % 32 != 0 || n > planeSlots || scores.Length < n)
            throw new ArgumentException($"a paired bf16 block needs heads a multiple of 32 lanes (got {headDim}) and {n} ≤ {planeSlots} scores.");
        if (wide)
        {
            for (; i + 16 <= n; i += 16)
                Scores16PairedBF16(q, keys + i * 32, planeSlots, scale, scores.Slice(i, 16));
            for (; i < n; i++)
                scores[i] = DotPairedBF16(q, keys + i * 32, planeSlots) * scale;
            return;
        }
        for (; i + 4 <= n; i += 4)
            Scores4PairedBF16x256(q, keys + i * 32, planeSlots, scale, scores.Slice(i, 4));
        for (; i < n; i++)
            scores[i] = DotPairedBF16x256(q, keys + i * 32, planeSlots) * scale;
    }

    /// <summary>
    /// One key against q as the f32 AVX2 path does it: per 16-lane chunk, lanes 0–7 into one accumulator and 8–15 into
    /// another. In unit p, words 0–7 hold lanes 0–7 of chunk 2p (low halves) and of chunk 2p + 1 (high halves), and
    /// words 8–15 hold lanes 8–15 of both.
    /// </summary>
    private static float DotPairedBF16x256(ReadOnlySpan<float> q, ushort* key, int planeSlots)
    {
        ref float pq = ref MemoryMarshal.GetReference(q);
        Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
        var upper = Vector256.Create(0xFFFF0000u);
        for (int p = 0; p < q.Length / 32; p++)
        {
            nuint d = (nuint)(p * 32);
            Step256(Vector256.LoadUnsafe(ref pq, d), Vector256.LoadUnsafe(ref pq, d + 8), Vector256.LoadUnsafe(ref pq, d + 16),
                Vector256.LoadUnsafe(ref pq, d + 24), (byte*)(key + (long)p * planeSlots * 32), upper, ref lo, ref hi);
        }
        return Vectors.Sum(lo, hi);
    }

    /// <summary>4 consecutive keys of a paired block, reduced together as Scores4Chunked256 reduces them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores4PairedBF16x256(ReadOnlySpan<float> q, ushort* keys, int planeSlots, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        ref float pq = ref MemoryMarshal.GetReference(q);
        Vector256<float> l0 = default, h0 = default, l1 = default, h1 = default, l2 = default, h2 = default, l3 = default, h3 = default;
        var upper = Vector256.Create(0xFFFF0000u);
        byte* k = (byte*)keys;
        long plane = (long)planeSlots * 64;   // bytes a plane
        for (int d = 0; d < headDim; d += 32, k += plane)
        {
            var a = Vector256.LoadUnsafe(ref pq, (nuint)d);
            var b = Vector256.LoadUnsafe(ref pq, (nuint)(d + 8));
            var c = Vector256.LoadUnsafe(ref pq, (nuint)(d + 16));
            var e = Vector256.LoadUnsafe(ref pq, (nuint)(d + 24));
            Step256(a, b, c, e, k, upper, ref l0, ref h0);
            Step256(a, b, c, e, k + 64, upper, ref l1, ref h1);
            Step256(a, b, c, e, k + 128, upper, ref l2, ref h2);
            Step256(a, b, c, e, k + 192, upper, ref l3, ref h3);
        }
        (Reductions.Sum4(l0, h0, l1, h1, l2, h2, l3, h3) * Vector128.Create(scale)).StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>
    /// One unit of one key: chunk 2p (lanes 0–7, 8–15), then chunk 2p + 1, as the f32 AVX2 kernel's two chunks. Half 0
    /// of the unit holds lanes 0–7 of both chunks and half 1 lanes 8–15 (<see cref="BF16Chunk.WidenHalf"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step256(Vector256<float> q0, Vector256<float> q8, Vector256<float> q16, Vector256<float> q24, byte* unit,
        Vector256<uint> upper, ref Vector256<float> lo, ref Vector256<float> hi)
    {
        BF16Chunk.WidenHalf(unit, 0, upper, out var c0, out var c1);
        BF16Chunk.WidenHalf(unit, 1, upper, out var c8, out var c9);
        lo = Vector256.FusedMultiplyAdd(q0, c0, lo);
        hi = Vector256.FusedMultiplyAdd(q8, c8, hi);
        lo = Vector256.FusedMultiplyAdd(q16, c1, lo);
        hi = Vector256.FusedMultiplyAdd(q24, c9, hi);
    }

    /// <summary>One key against q, accumulated and summed as <see cref="DotChunked"/> does (chunk 2p, then 2p + 1).</summary>
    private static float DotPairedBF16(ReadOnlySpan<float> q, ushort* key, int planeSlots)
    {
        ref float pq = ref MemoryMarshal.GetReference(q);
        var acc = Vector512<float>.Zero;
        for (int p = 0; p < q.Length / 32; p++)
            Step(Vector512.LoadUnsafe(ref pq, (nuint)(p * 32)), Vector512.LoadUnsafe(ref pq, (nuint)(p * 32 + 16)), (byte*)(key + (long)p * planeSlots * 32), ref acc);
        return Vectors.Sum(acc);
    }

    /// <summary>16 consecutive keys of a paired block: for each pair plane, their 16 units lie in one 1 KiB run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores16PairedBF16(ReadOnlySpan<float> q, ushort* keys, int planeSlots, float scale, Span<float> scores)
    {
        int headDim = q.Length;
        ref float pq = ref MemoryMarshal.GetReference(q);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        byte* k = (byte*)keys;
        long plane = (long)planeSlots * 64;   // bytes a plane
        for (int d = 0; d < headDim; d += 32, k += plane)
        {
            var lo = Vector512.LoadUnsafe(ref pq, (nuint)d);
            var hi = Vector512.LoadUnsafe(ref pq, (nuint)(d + 16));
            Step(lo, hi, k, ref a0); Step(lo, hi, k + 64, ref a1); Step(lo, hi, k + 128, ref a2); Step(lo, hi, k + 192, ref a3);
            Step(lo, hi, k + 256, ref a4); Step(lo, hi, k + 320, ref a5); Step(lo, hi, k + 384, ref a6); Step(lo, hi, k + 448, ref a7);
            Step(lo, hi, k + 512, ref a8); Step(lo, hi, k + 576, ref a9); Step(lo, hi, k + 640, ref a10); Step(lo, hi, k + 704, ref a11);
            Step(lo, hi, k + 768, ref a12); Step(lo, hi, k + 832, ref a13); Step(lo, hi, k + 896, ref a14); Step(lo, hi, k + 960, ref a15);
        }
        (Reductions.Sum16(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) * Vector512.Create(scale))
            .StoreUnsafe(ref MemoryMarshal.GetReference(scores));
    }

    /// <summary>One unit of one key into its accumulator: lanes 0–15, then 16–31, as the f32 kernel's two chunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(Vector512<float> qLow, Vector512<float> qHigh, byte* unit, ref Vector512<float> acc)
    {
        BF16Chunk.Widen(unit, out var low, out var high);
        acc = Vector512.FusedMultiplyAdd(qLow, low, acc);
        acc = Vector512.FusedMultiplyAdd(qHigh, high, acc);
    }

    /// <summary>
    /// <see cref="AccumulateGroup"/> over the first <paramref name="n"/> values of a paired bf16 value block ([slot][units]):
    /// bitwise the same outputs as the f32 kernel on the widened block (each lane fused in key order).
    /// </summary>
    public static void AccumulateGroupPairedBF16(ReadOnlySpan<float> weights, int weightStride, int count, ushort* values, int n, Span<float> outputs) =>
        AccumulateGroupPairedBF16(weights, weightStride, count, values, n, outputs, Vector512.IsHardwareAccelerated);

    /// <summary>
    /// <see cref="AccumulateGroupPairedBF16(ReadOnlySpan{float}, int, int, ushort*, int, Span{float})"/> with the kernel
    /// family chosen (<paramref name="wide"/>: Vector512). Both give bitwise the same outputs.
    /// </summary>
    internal static void AccumulateGroupPairedBF16(ReadOnlySpan<float> weights, int weightStride, int count, ushort* values, int n, Span<float> outputs, bool wide)
    {
        int headDim = outputs.Length / count;
        if (headDim % 32 != 0 || outputs.Length != count * headDim || weights.Length < (count - 1) * weightStride + n)
            throw new ArgumentException($"{count} outputs of {headDim} (a multiple of 32) over {n} values need a weight row of {n} every {weightStride}.");
        ref float o = ref MemoryMarshal.GetReference(outputs);
        ref float w = ref MemoryMarshal.GetReference(weights);
        int rowBytes = headDim * sizeof(ushort), d = 0;
        // 64 lanes (two units) a pass with the f32 AVX-512 loops; what is left (all of it without AVX-512), one unit a
        // pass with the f32 AVX2 loops. Each lane is fused in key order in either, so they agree bit for bit.
        for (; wide && d + 64 <= headDim; d += 64)
        {
            ref byte v = ref *(byte*)(values + d);
            int j = 0;
            for (; j + 2 <= count; j += 2)
                Accumulate2x64<PairedBF16Rows>(ref Unsafe.Add(ref w, j * weightStride), weightStride, ref v, rowBytes, n, ref Unsafe.Add(ref o, j * headDim + d), headDim);
            for (; j < count; j++)
                Accumulate1x64<PairedBF16Rows>(ref Unsafe.Add(ref w, j * weightStride), ref v, rowBytes, n, ref Unsafe.Add(ref o, j * headDim + d));
        }
        for (; d < headDim; d += 32)
        {
            ref byte v = ref *(byte*)(values + d);
            int j = 0;
            for (; j + 2 <= count; j += 2)
                Accumulate2x32<PairedBF16Rows256>(ref Unsafe.Add(ref w, j * weightStride), weightStride, ref v, rowBytes, n, ref Unsafe.Add(ref o, j * headDim + d), headDim);
            for (; j < count; j++)
                Accumulate1x32<PairedBF16Rows256>(ref Unsafe.Add(ref w, j * weightStride), ref v, rowBytes, n, ref Unsafe.Add(ref o, j * headDim + d));
        }
    }

    /// <summary>Two units of a value row (64 lanes) widened in place.</summary>
    private struct PairedBF16Rows : IValueRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Load64(ref byte row, out Vector512<float> v0, out Vector512<float> v1, out Vector512<float> v2, out Vector512<float> v3)
        {
            // BF16Chunk.Widen of each unit, written out: through that call the JIT reloaded the mask on every value
            // (seen in the disassembly of Accumulate2x64), and here it keeps it in a register outside the loop.
            ref uint bits = ref Unsafe.As<byte, uint>(ref row);
            Vector512<uint> u0 = Vector512.LoadUnsafe(ref bits), u1 = Vector512.LoadUnsafe(ref bits, 16), upper = Vector512.Create(0xFFFF_0000u);
            v0 = Vector512.ShiftLeft(u0, 16).AsSingle();
            v1 = (u0 & upper).AsSingle();
            v2 = Vector512.ShiftLeft(u1, 16).AsSingle();
            v3 = (u1 & upper).AsSingle();
        }
    }

    /// <summary>One unit of a value row (32 lanes) widened in place, as four Vector256s in lane order.</summary>
    private struct PairedBF16Rows256 : IValueRows256
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Load32(ref byte row, out Vector256<float> v0, out Vector256<float> v1, out Vector256<float> v2, out Vector256<float> v3)
        {
            byte* unit = (byte*)Unsafe.AsPointer(ref row);
            var upper = Vector256.Create(0xFFFF0000u);
            BF16Chunk.WidenHalf(unit, 0, upper, out v0, out v2);
            BF16Chunk.WidenHalf(unit, 1, upper, out v1, out v3);
        }
    }
}
