using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

// The same kernels for machines without AVX-512 (Vector512 is emulated there, several times slower). Each output
// element keeps its 16-lane accumulator as two Vector256 halves (lanes 0–7, 8–15), fed by the same FMAs in the same
// order as the Vector512 kernels and reduced by the same Sum, so results are bitwise identical to them.
// With 16 ymm registers a kernel cannot hold both halves of many outputs, so it makes two passes over a block, one per
// half (bytes 0–31, then 32–63 of every 64-byte chunk). Both passes touch the same cache lines, so the first streams
// the block from DRAM in order and the second finds it in cache.
public static unsafe partial class MatMul
{
    /// <summary>Blocks [first, end) with the Vector256 kernels: 4 x rows at a time, then the leftover rows one by one.</summary>
    /// <remarks>
    /// As in the Vector512 path, a streamed matrix has its next block requested into L2 while this one is computed,
    /// spread over the loop: group g's pass over rows j0, j0 + 1 requests those rows of the next block's chunks c ≡ g (mod groups) in its
    /// first pass, and a lone GEMV requests 4 rows of each chunk per pass. The former scheme requested the whole next
    /// block in one burst when a block started; measured on a 2-core Zen 1 EPYC (no AVX-512) over the layers of
    /// Qwen2.5-0.5B streamed from DRAM, 4 rows 5.9–8.2 → 3.6 ms a layer, 16 rows 13.6–15.3 → 10.2–11.3 ms.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocks256<T>(in Job job, int first, int end) where T : unmanaged, IWeightChunk
    {
        bool streamed = job.Blocks * job.BlockBytes >= PrefetchBytes;
        int groups = job.XRows / 4;
        for (int b = first; b < end; b++)
        {
            byte* block = job.W + b * job.BlockBytes;
            byte* next = streamed && b + 1 < end ? block + job.BlockBytes : null;
            int o = b * WeightMatrix.BlockRows;
            int valid = Math.Min(WeightMatrix.BlockRows, job.Rows - o);
            int r = 0;
            for (int g = 0; g < groups; g++, r += 4)
            {
                float* x = job.X + (long)r * job.XStride;
                float* y = job.Y + (long)r * job.Rows;
                Tile4x2<T>(block, job.Chunks, x, job.XStride, y, job.Rows, o, valid, job.Bias, next, groups, g);
            }
            for (; r < job.XRows; r++)
                Row1x8Halves<T>(block, job.Chunks, job.X + (long)r * job.XStride, job.Y + (long)r * job.Rows, o, valid, job.Bias,
                    groups == 0 && r == 0 ? next : null);
        }
    }

    /// <summary>One x row against the 8 rows of a block (GEMV), one lane half per pass: 8 accumulators a pass.</summary>
    // The stack buffer is written before it is read: zeroing it cost every call 8 stores.
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Row1x8Halves<T>(byte* block, int chunks, float* x, float* y, int o, int valid, float* bias, byte* next)
        where T : unmanaged, IWeightChunk
    {
        Vector256<float>* low = stackalloc Vector256<float>[WeightMatrix.BlockRows];
        var upper = Vector256.Create(0xFFFF_0000u);
        int step = 16 * T.Vectors;
        for (int half = 0; half < 2; half++)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<float> a4 = default, a5 = default, a6 = default, a7 = default;
            byte* w = block;
            float* xp = x + 8 * half;
            byte* pf = next == null ? null : next + 4 * half * WeightMatrix.ChunkBytes;
            for (int c = 0; c < chunks; c++, w += ChunkStride, xp += step)
            {
                if (pf != null)
                    PrefetchLines(pf + (long)c * ChunkStride, 4);
                var x0 = Vector256.Load(xp);
                var x1 = T.Vectors == 2 ? Vector256.Load(xp + 16) : default;
                AccumulateHalf<T>(w + 0 * 64, half, upper, x0, x1, ref a0);
                AccumulateHalf<T>(w + 1 * 64, half, upper, x0, x1, ref a1);
                AccumulateHalf<T>(w + 2 * 64, half, upper, x0, x1, ref a2);
                AccumulateHalf<T>(w + 3 * 64, half, upper, x0, x1, ref a3);
                AccumulateHalf<T>(w + 4 * 64, half, upper, x0, x1, ref a4);
                AccumulateHalf<T>(w + 5 * 64, half, upper, x0, x1, ref a5);
                AccumulateHalf<T>(w + 6 * 64, half, upper, x0, x1, ref a6);
                AccumulateHalf<T>(w + 7 * 64, half, upper, x0, x1, ref a7);
            }
            if (half == 0)
            {
                low[0] = a0; low[1] = a1; low[2] = a2; low[3] = a3; low[4] = a4; low[5] = a5; low[6] = a6; low[7] = a7;
                continue;
            }
            FinishQuad(low[0], a0, low[1], a1, low[2], a2, low[3], a3, y, o, 0, valid, bias);
            FinishQuad(low[4], a4, low[5], a5, low[6], a6, low[7], a7, y, o, 4, valid, bias);
        }
    }

    /// <summary>Most chunks in one k-segment of <see cref="Tile4x2{T}"/>: 4 x rows of it are 16 KiB, half of a Zen 3 L1.</summary>
    private const int SegmentChunks = 32;

    /// <summary>
    /// Four x rows against the block's rows two at a time (j0, j0 + 1), one lane half per pass: 8 accumulators, 4
    /// widened weight vectors and 2 x vectors; each x load feeds 2 FMAs and each widened weight vector 4. The four row
    /// pairs run in one call (one call per pair cost 2–4% in call overhead on K = 896).
    /// </summary>
    /// <remarks>
    /// Each of the 8 passes (4 row pairs × 2 halves) touches every cache line of the 4 x rows, which for K = 4864 (the
    /// down projection) are 78 KB: more than L1, so every pass re-read them from L2 and the tile ran at ~38 GFLOP/s on
    /// one Zen 3 core against 64–76 for K = 896. So k is cut into segments of at most <see cref="SegmentChunks"/>
    /// chunks, and all 8 passes run over one segment before the next: the segment's x stays in L1. A pass's
    /// accumulators wait in a stack buffer between segments and resume where they left off, so every accumulator still
    /// sees the same FMAs in the same k order and the result is bitwise unchanged. Measured on a Zen 3 (one 8 × 4864
    /// block in L2, one core): 38 → 58–64 GFLOP/s; all 24 layers of Qwen2.5-0.5B from DRAM, two threads, the down
    /// projection at 16 rows 2.6–3.0 → 1.7–2.0 ms and at 4 rows 1.0–1.1 → 0.7–0.8 ms. K = 896 (one segment) is unchanged.
    /// The loop walks pointers only (no chunk counter or half index), which keeps every pointer out of the stack.
    /// </remarks>
    // The stack buffer is written before it is read: zeroing it cost every call stores.
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Tile4x2<T>(byte* block, int chunks, float* x, int xStride, float* y, int yStride, int o, int valid, float* bias,
        byte* next, int every, int phase)
        where T : unmanaged, IWeightChunk
    {
        // [pair][half][8]: the accumulators of every pass, between segments.
        Vector256<float>* saved = stackalloc Vector256<float>[64];
        var upper = Vector256.Create(0xFFFF_0000u);
        int step = 16 * T.Vectors;
        int segments = (chunks + SegmentChunks - 1) / SegmentChunks;
        // The first chunk at or after the segment's start that is ≡ phase (mod every): this group's share of the next
        // block's chunks, which its first-half passes request into L2.
        int dueChunk = phase;
        for (int s = 0, c0 = 0; s < segments; s++)
        {
            int c1 = (int)((long)chunks * (s + 1) / segments);
            for (int j0 = 0; j0 < valid; j0 += 2)
            {
                for (int half = 0; half < 2; half++)
                {
                    Vector256<float>* a = saved + 8 * (j0 + half);
                    Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
                    Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
                    if (s > 0)
                    {
                        a00 = a[0]; a01 = a[1]; a10 = a[2]; a11 = a[3]; a20 = a[4]; a21 = a[5]; a30 = a[6]; a31 = a[7];
                    }
                    // Pointers only in the loop (no chunk counter, no half index): with fewer live registers the JIT
                    // keeps them all out of the stack. A chunk's half h starts 32·h bytes in, for every dtype.
                    byte* w = block + (long)c0 * ChunkStride + j0 * 64 + 32 * half, end = block + (long)c1 * ChunkStride;
                    long xOffset = 8 * half + (long)c0 * step;
                    float* x0 = x + xOffset, x1 = x0 + xStride, x2 = x0 + 2 * xStride, x3 = x0 + 3 * xStride;
                    byte* due = next == null || half == 1 ? null : w + (long)(dueChunk - c0) * ChunkStride;
                    for (; w < end; w += ChunkStride, x0 += step, x1 += step, x2 += step, x3 += step)
                    {
                        if (w == due)
                        {
                            PrefetchLines(next + (w - block), 2);
                            due += (long)every * ChunkStride;
                        }
                        T.WidenHalf(w, 0, upper, out var l0, out var h0);
                        T.WidenHalf(w + 64, 0, upper, out var l1, out var h1);
                        // Every row's low-half FMAs before any high-half one: an accumulator's two FMAs of a chunk are then
                        // 8 instructions apart instead of back to back (36 against 32 GFLOP/s on a Zen 1 core in L1).
                        Pair(x0, l0, l1, ref a00, ref a01);
                        Pair(x1, l0, l1, ref a10, ref a11);
                        Pair(x2, l0, l1, ref a20, ref a21);
                        Pair(x3, l0, l1, ref a30, ref a31);
                        if (T.Vectors == 2)
                        {
                            Pair(x0 + 16, h0, h1, ref a00, ref a01);
                            Pair(x1 + 16, h0, h1, ref a10, ref a11);
                            Pair(x2 + 16, h0, h1, ref a20, ref a21);
                            Pair(x3 + 16, h0, h1, ref a30, ref a31);
                        }
                    }
                    if (s + 1 < segments || half == 0)
                    {
                        a[0] = a00; a[1] = a01; a[2] = a10; a[3] = a11; a[4] = a20; a[5] = a21; a[6] = a30; a[7] = a31;
                        continue;
                    }
                    Vector256<float>* low = a - 8;
                    FinishPairs(low[0], a00, low[1], a01, low[2], a10, low[3], a11, y, yStride, o, j0, valid, bias);
                    FinishPairs(low[4], a20, low[5], a21, low[6], a30, low[7], a31, y + 2 * yStride, yStride, o, j0, valid, bias);
                }
            }
            while (dueChunk < c1)
                dueChunk += every;
            c0 = c1;
        }
    }

    /// <summary>Eight floats of one x row into the accumulators of two weight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(float* x, Vector256<float> w0, Vector256<float> w1, ref Vector256<float> a0, ref Vector256<float> a1)
    {
        var xa = Vector256.Load(x);
        a0 = Vector256.FusedMultiplyAdd(w0, xa, a0);
        a1 = Vector256.FusedMultiplyAdd(w1, xa, a1);
    }

    /// <summary>One weight row's half-chunk into one accumulator half, in the Vector512 kernels' order per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateHalf<T>(byte* chunk, int half, Vector256<uint> upper, Vector256<float> x0, Vector256<float> x1, ref Vector256<float> acc)
        where T : unmanaged, IWeightChunk
    {
        T.WidenHalf(chunk, half, upper, out var low, out var high);
        acc = Vector256.FusedMultiplyAdd(low, x0, acc);
        if (T.Vectors == 2)
            acc = Vector256.FusedMultiplyAdd(high, x1, acc);
    }

    /// <summary>Finishes outputs j0 … j0 + 3 of one y row, the four reductions sharing their additions where AVX is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishQuad(Vector256<float> lo0, Vector256<float> hi0, Vector256<float> lo1, Vector256<float> hi1,
        Vector256<float> lo2, Vector256<float> hi2, Vector256<float> lo3, Vector256<float> hi3,
        float* y, int o, int j0, int valid, float* bias)
    {
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported && j0 + 4 <= valid)
        {
            var sums = Reductions.Sum4(lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3);
            if (bias != null)
                sums += Vector128.Load(bias + o + j0);
            sums.Store(y + o + j0);
            return;
        }
        Finish(lo0, hi0, y, o, j0, valid, bias);
        Finish(lo1, hi1, y, o, j0 + 1, valid, bias);
        Finish(lo2, hi2, y, o, j0 + 2, valid, bias);
        Finish(lo3, hi3, y, o, j0 + 3, valid, bias);
    }

    /// <summary>
    /// Finishes outputs j0, j0 + 1 of two consecutive y rows (accumulators in that order): with AVX the four reductions
    /// share their additions (<see cref="Reductions.Sum4(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishPairs(Vector256<float> lo0, Vector256<float> hi0, Vector256<float> lo1, Vector256<float> hi1,
        Vector256<float> lo2, Vector256<float> hi2, Vector256<float> lo3, Vector256<float> hi3,
        float* y, int yStride, int o, int j0, int valid, float* bias)
    {
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported && j0 + 2 <= valid)
        {
            var sums = Reductions.Sum4(lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3);
            if (bias != null)
                sums += Vector128.Create(bias[o + j0], bias[o + j0 + 1], bias[o + j0], bias[o + j0 + 1]);
            sums.GetLower().Store(y + o + j0);
            sums.GetUpper().Store(y + yStride + o + j0);
            return;
        }
        Finish(lo0, hi0, y, o, j0, valid, bias);
        Finish(lo1, hi1, y, o, j0 + 1, valid, bias);
        Finish(lo2, hi2, y + yStride, o, j0, valid, bias);
        Finish(lo3, hi3, y + yStride, o, j0 + 1, valid, bias);
    }

    /// <summary><see cref="Finish(Vector512{float}, float*, int, int, int, float*)"/> for an accumulator held as two halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector256<float> lo, Vector256<float> hi, float* y, int o, int j, int valid, float* bias)
    {
        if (j >= valid)
            return;
        float sum = Vectors.Sum(lo, hi);
        y[o + j] = bias == null ? sum : sum + bias[o + j];
    }
}
