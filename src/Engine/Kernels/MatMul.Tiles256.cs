using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

// The same kernels for machines without AVX-512 (Vector512 is emulated there, several times slower). Each output
// element keeps its 16-lane accumulator as two Vector256 halves (lanes 0–7, 8–15), fed by the same FMAs in the same
// order as the Vector512 kernels and reduced by the same Sum, so results are bitwise identical to them.
// With 16 ymm registers a kernel cannot hold both halves of many outputs, so it makes two passes over a block, one per
// half (bytes 0–31, then 32–63 of every 64-byte chunk). Both passes touch the same cache lines, so the second finds in
// cache what the first brought in.
public static unsafe partial class MatMul
{
    /// <summary>Blocks [first, end) with the Vector256 kernels: 4 x rows at a time, then the leftover rows one by one.</summary>
    /// <remarks>
    /// As in the Vector512 path, a streamed matrix has its next block requested into L2 while this one is computed,
    /// spread over the loop: each of group g's passes, at the chunks c ≡ g (mod groups), requests its share of the next
    /// block in address order (<see cref="Requests"/>). The lone GEMV (one row) requests nothing: it reads its block strictly forward, which the
    /// hardware prefetcher follows, and on a Zen 3 its software requests cost it 10–16% (one layer of Qwen2.5-0.5B from
    /// DRAM, 1.87 → 1.68 ms with two threads, 4.4 → 3.7 ms with one; the tenth session had added them on a Zen 1, where
    /// they measured within noise).
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
                Tile4x8<T>(block, job.Chunks, x, job.XStride, y, job.Rows, o, valid, job.Bias, next, groups, g);
            }
            for (; r < job.XRows; r++)
                Row1x8Halves<T>(block, job.Chunks, job.X + (long)r * job.XStride, job.Y + (long)r * job.Rows, o, valid, job.Bias);
        }
    }

    /// <summary>One x row against the 8 rows of a block (GEMV), one lane half per pass: 8 accumulators a pass.</summary>
    // The stack buffer is written before it is read: zeroing it cost every call 8 stores.
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Row1x8Halves<T>(byte* block, int chunks, float* x, float* y, int o, int valid, float* bias)
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
            for (int c = 0; c < chunks; c++, w += ChunkStride, xp += step)
            {
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

    /// <summary>Most chunks in one k-segment of <see cref="Tile4x8{T}"/>: 4 x rows of it are 16 KiB, half of a Zen 3 L1.</summary>
    private const int SegmentChunks = 32;

    /// <summary>
    /// Four x rows against all 8 rows of a block. Per k-segment, weight rows 0–2 and 3–5 go through
    /// <see cref="Pass4x3{T}"/> and rows 6–7 through <see cref="Pass4x2{T}"/>, each once per lane half; the accumulators
    /// wait in a stack buffer between segments and are reduced, four outputs at a time, at the end.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Segments.</b> Each of the 6 passes touches every cache line of the 4 x rows, which for K = 4864 (the down
    /// projection) are 78 KB: more than L1, so every pass re-read them from L2, and the tile ran at ~38 GFLOP/s on one
    /// Zen 3 core against 64–76 for K = 896. So k is cut into segments of at most <see cref="SegmentChunks"/> chunks and
    /// all passes run over one segment before the next, while its x stays in L1 (one 8 × 4864 block in L2, one core:
    /// 38 → 58–64 GFLOP/s). A pass resumes its accumulators where the last segment left them, so each still sees the
    /// same FMAs in the same k order: the result is bitwise unchanged.
    /// </para>
    /// <para>
    /// <b>Three weight rows a pass.</b> Each accumulator takes two dependent FMAs a chunk (low then high elements, the
    /// order the Vector512 kernels use). With 8 accumulators (the former 4×2 tile) that is 16 FMAs, 8 cycles at two
    /// FMAs a cycle, exactly the 2 × 4-cycle latency of an accumulator's chain: no slack, and the tile ran at ~70% of
    /// the FMA peak in L1. Twelve accumulators leave 4 cycles of slack; with 3 widened weight vectors and one x vector
    /// they fill the 16 ymm registers. Measured against the 4×2 tile on a Zen 3 (all 24 layers of Qwen2.5-0.5B from
    /// DRAM, two threads, alternating in one process): a layer 9% faster at 16 rows and 15% at 4.
    /// </para>
    /// </remarks>
    // The stack buffers are written before they are read.
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void Tile4x8<T>(byte* block, int chunks, float* x, int xStride, float* y, int yStride, int o, int valid, float* bias,
        byte* next, int every, int phase)
        where T : unmanaged, IWeightChunk
    {
        // Output (x row r, weight row j): lanes 0–7 at saved[(2j)·4 + r], lanes 8–15 at saved[(2j + 1)·4 + r].
        Vector256<float>* saved = stackalloc Vector256<float>[64];
        int step = 16 * T.Vectors;
        int segments = (chunks + SegmentChunks - 1) / SegmentChunks;
        long dueStep = (long)every * ChunkStride;
        // This group's share of the next block: the chunks c ≡ phase (mod every) of each pass; dueChunk is the first
        // at or after the segment's start. The block's bytes are split among the 6 passes in pass order and in
        // proportion to their work: a pass over n weight rows owns n·32 bytes a chunk, from byte (2·j0 + h·n)·32·chunks
        // (j0 its first row, h its half), and at chunk c requests bytes [n·32·c, n·32·(c + 1)) of that range. Over all
        // passes and groups that is every line of the next block, in address order within a pass.
        int dueChunk = phase;
        for (int s = 0, c0 = 0; s < segments; s++)
        {
            int c1 = (int)((long)chunks * (s + 1) / segments);
            byte* end = block + (long)c1 * ChunkStride;
            for (int j0 = 0; j0 < valid; j0 += 3)
            {
                for (int half = 0; half < 2; half++)
                {
                    // A chunk's half h starts 32·h bytes in, for every dtype.
                    byte* w = block + (long)c0 * ChunkStride + j0 * 64 + 32 * half;
                    float* x0 = x + 8 * half + (long)c0 * step;
                    int share = NextBlockShare(j0, half, chunks, out long start);
                    var requests = new Requests
                    {
                        Due = next == null ? null : w + (long)(dueChunk - c0) * ChunkStride,
                        DueStep = dueStep,
                        At = next + start + (long)dueChunk * share,
                        Step = (long)every * share,
                        Last = share - 1,
                    };
                    Vector256<float>* acc = saved + (j0 * 2 + half) * 4;
                    if (j0 < 6)
                        Pass4x3<T>(w, end, x0, xStride, step, acc, s > 0, requests);
                    else
                        Pass4x2<T>(w, end, x0, xStride, step, acc, s > 0, requests);
                }
            }
            while (dueChunk < c1)
                dueChunk += every;
            c0 = c1;
        }
        for (int j = 0; j < valid; j += 2)
            for (int r = 0; r < 4; r += 2)
            {
                Vector256<float>* a = saved + j * 8 + r, b = a + 8;
                FinishPairs(a[0], a[4], b[0], b[4], a[1], a[5], b[1], b[5], y + (long)r * yStride, yStride, o, j, valid, bias);
            }
    }

    /// <summary>
    /// One lane half of weight rows j0 … j0 + 2 against 4 x rows over the chunks from <paramref name="w"/> to
    /// <paramref name="end"/>: 12 accumulators, 3 widened weight vectors and 1 x vector (the 16 ymm registers). The
    /// accumulator of weight row j0 + j and x row r is acc[8j + r]; they are loaded when <paramref name="resume"/> and
    /// always stored back. At each chunk <paramref name="requests"/> is due at, it requests its next lines into L2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass4x3<T>(byte* w, byte* end, float* x0, long xStride, int step, Vector256<float>* acc, bool resume,
        Requests requests)
        where T : unmanaged, IWeightChunk
    {
        Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
        if (resume)
        {
            a00 = acc[0]; a10 = acc[1]; a20 = acc[2]; a30 = acc[3];
            a01 = acc[8]; a11 = acc[9]; a21 = acc[10]; a31 = acc[11];
            a02 = acc[16]; a12 = acc[17]; a22 = acc[18]; a32 = acc[19];
        }
        float* x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (; w < end; w += ChunkStride, x0 += step, x1 += step, x2 += step, x3 += step)
        {
            if (w == requests.Due)
                requests.Issue();
            var l0 = T.WidenLow(w); var l1 = T.WidenLow(w + 64); var l2 = T.WidenLow(w + 128);
            Triple(x0, l0, l1, l2, ref a00, ref a01, ref a02);
            Triple(x1, l0, l1, l2, ref a10, ref a11, ref a12);
            Triple(x2, l0, l1, l2, ref a20, ref a21, ref a22);
            Triple(x3, l0, l1, l2, ref a30, ref a31, ref a32);
            if (T.Vectors == 2)
            {
                var h0 = T.WidenHigh(w); var h1 = T.WidenHigh(w + 64); var h2 = T.WidenHigh(w + 128);
                Triple(x0 + 16, h0, h1, h2, ref a00, ref a01, ref a02);
                Triple(x1 + 16, h0, h1, h2, ref a10, ref a11, ref a12);
                Triple(x2 + 16, h0, h1, h2, ref a20, ref a21, ref a22);
                Triple(x3 + 16, h0, h1, h2, ref a30, ref a31, ref a32);
            }
        }
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30;
        acc[8] = a01; acc[9] = a11; acc[10] = a21; acc[11] = a31;
        acc[16] = a02; acc[17] = a12; acc[18] = a22; acc[19] = a32;
    }

    /// <summary><see cref="Pass4x3{T}"/> for weight rows j0, j0 + 1 (the last two of a block): 8 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass4x2<T>(byte* w, byte* end, float* x0, long xStride, int step, Vector256<float>* acc, bool resume,
        Requests requests)
        where T : unmanaged, IWeightChunk
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
        if (resume)
        {
            a00 = acc[0]; a10 = acc[1]; a20 = acc[2]; a30 = acc[3];
            a01 = acc[8]; a11 = acc[9]; a21 = acc[10]; a31 = acc[11];
        }
        // Made once: the JIT does not hoist a vector constant out of a loop, and here a register is free for it.
        var upper = Vector256.Create(0xFFFF_0000u);
        float* x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (; w < end; w += ChunkStride, x0 += step, x1 += step, x2 += step, x3 += step)
        {
            if (w == requests.Due)
                requests.Issue();
            T.WidenHalf(w, 0, upper, out var l0, out var h0);
            T.WidenHalf(w + 64, 0, upper, out var l1, out var h1);
            // Every row's low-half FMAs before any high-half one: an accumulator's two FMAs of a chunk are then 8
            // instructions apart instead of back to back.
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
        acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30;
        acc[8] = a01; acc[9] = a11; acc[10] = a21; acc[11] = a31;
    }

    /// <summary>
    /// The part of the next block that <see cref="Tile4x8{T}"/>'s pass over weight rows <paramref name="j0"/> … (3 rows,
    /// or 2 from row 6) and lane half <paramref name="half"/> requests: the bytes from <paramref name="start"/>, the
    /// returned number a chunk. In pass order the parts are consecutive and together the whole block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NextBlockShare(int j0, int half, int chunks, out long start)
    {
        int rows = j0 < 6 ? 3 : 2;
        start = (2L * j0 + half * rows) * 32 * chunks;
        return rows * 32;
    }

    /// <summary>
    /// Where a tile pass requests the next block into L2: at the chunk <see cref="Due"/> points to (then every
    /// <see cref="DueStep"/> bytes), the lines holding bytes <see cref="At"/> to <see cref="At"/> + <see cref="Last"/>
    /// (then every <see cref="Step"/> bytes further).
    /// </summary>
    /// <remarks>
    /// The requests are spread over all of a block's passes, each pass's in address order. Measured on a Zen 3 (24
    /// layers of Qwen2.5-0.5B from DRAM, two threads, alternating in one process):
    /// <list type="bullet">
    /// <item>Address order, rather than each pass requesting its own rows' 2–3 lines of every 512-byte chunk, made a
    /// 4-row layer 13–17% faster (2.61 → 2.26 ms).</item>
    /// <item>Spreading them over all six passes in proportion to their work, rather than 3 lines a chunk in the three
    /// first-half passes only, made it another 6–13% faster with two threads and 17% with one (4, 5 and 8 rows; 2.51
    /// → 2.19 ms at 4). A pass that requests nothing for a while leaves the memory idle, and one that requests 3
    /// lines every chunk queues them behind one another.</item>
    /// <item>Requesting only some of the lines, for the hardware prefetcher to fill in the rest, was 30% slower: it does
    /// not follow the tile's strided reads.</item>
    /// </list>
    /// 16 rows, bound by the FMAs, were unchanged by either.
    /// </remarks>
    private struct Requests
    {
        public byte* Due, At;
        public long DueStep, Step;
        public int Last;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Issue()
        {
            PrefetchLines(At, 1);
            // A 3-row pass's 96 bytes span two lines; a 2-row pass's 64 (line-aligned) one.
            if ((((nint)At ^ (nint)(At + Last)) & ~(nint)(WeightMatrix.ChunkBytes - 1)) != 0)
                PrefetchLines(At + Last, 1);
            At += Step;
            Due += DueStep;
        }
    }

    /// <summary>Eight floats of one x row into the accumulators of three weight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Triple(float* x, Vector256<float> w0, Vector256<float> w1, Vector256<float> w2,
        ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2)
    {
        var xa = Vector256.Load(x);
        a0 = Vector256.FusedMultiplyAdd(w0, xa, a0);
        a1 = Vector256.FusedMultiplyAdd(w1, xa, a1);
        a2 = Vector256.FusedMultiplyAdd(w2, xa, a2);
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
