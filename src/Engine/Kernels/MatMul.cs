using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// y[r, o] = Σ_k x[r, k] · W[o, k] (+ bias[o]) for every row r of a batch. Each output element is reduced in an order
/// that depends only on <c>Cols</c>, never on the number of rows, so a row's result is bitwise the same alone or in
/// any batch (the engine's batch-invariance promise).
/// </summary>
/// <remarks>
/// Every element y[r, o] is one Vector512 accumulator fed by fused multiply-adds over k in ascending 16-wide steps,
/// summed by <see cref="MatMul.Finish(System.Runtime.Intrinsics.Vector512{float}, float*, int, int, int, float*)"/>; the single-row and the register-blocked multi-row kernels (MatMul.Tiles.cs)
/// differ only in how many such accumulators they keep in flight. The work is split over blocks of 8 output rows, so
/// each core streams its own part of W once per call, whatever the number of rows.
/// </remarks>
public static unsafe partial class MatMul
{
    /// <summary>Below this many weight bytes × rows a call runs on the caller's thread: a dispatch would cost more.</summary>
    private const long ParallelThreshold = 64 * 1024;

    /// <summary>
    /// Parts per team thread. More than one, so that on a shared machine a thread that was descheduled mid-region
    /// leaves its unclaimed parts to the others instead of holding the whole region up; each part is still a
    /// contiguous range of blocks, streamed forward.
    /// </summary>
    private const int PartsPerThread = 4;

    /// <summary>Matrices at least this large are prefetched block by block: they stream from L3 or DRAM.</summary>
    private const long PrefetchBytes = 1L << 20;

    /// <summary>x rows larger than this (a prompt chunk, not a decode batch) are taken a slice at a time.</summary>
    private const long XSliceThreshold = 512L << 10;

    /// <summary>The x bytes of one slice: what a block's tiles read in one sweep over a part's blocks (a share of L2).</summary>
    private const long XSliceBytes = 256L << 10;

    /// <summary>Multiplies <paramref name="rows"/> rows of <paramref name="x"/> ([rows, W.Cols]) by Wᵀ into <paramref name="y"/> ([rows, W.Rows]).</summary>
    public static void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int rows, Span<float> y, ReadOnlySpan<float> bias = default, ThreadTeam? team = null) =>
        Multiply(w, x, rows, y, bias, team, System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);

    /// <summary>
    /// <see cref="Multiply(WeightMatrix, ReadOnlySpan{float}, int, Span{float}, ReadOnlySpan{float}, ThreadTeam?)"/> with
    /// the kernel family chosen: the Vector512 tiles (<paramref name="vector512"/>) or the Vector256 ones. Both give
    /// bitwise the same result; tests run both on any machine (emulated Vector512 is merely slow).
    /// </summary>
    internal static void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int rows, Span<float> y, ReadOnlySpan<float> bias, ThreadTeam? team, bool vector512)
    {
        if (rows < 0 || x.Length < (long)rows * w.Cols || y.Length < (long)rows * w.Rows)
            throw new ArgumentException($"MatMul [{rows}, {w.Cols}] × [{w.Cols}, {w.Rows}]: x has {x.Length} floats, y {y.Length}.");
        if (!bias.IsEmpty && bias.Length < w.Rows)
            throw new ArgumentException($"MatMul bias has {bias.Length} floats; W has {w.Rows} rows.", nameof(bias));
        if (rows == 0)
            return;

        float* padded = null;
        try
        {
            fixed (float* xp = x, yp = y, bp = bias)
            {
                var job = new Job
                {
                    W = w.Data, Rows = w.Rows, Blocks = w.Blocks, BlockBytes = w.BlockBytes, DType = w.DType,
                    Chunks = w.PaddedCols / w.ChunkElements, ChunkElements = w.ChunkElements,
                    X = xp, XRows = rows, XStride = w.PaddedCols, Y = yp, Bias = bias.IsEmpty ? null : bp, Vector512 = vector512,
                };
                if (w.PaddedCols != w.Cols)
                {
                    // The packed W has zero columns up to a whole chunk; x gets the same zeros so the kernels
                    // never read past a row (a NaN beyond it would poison 0 · NaN).
                    padded = (float*)NativeMemory.AllocZeroed((nuint)rows * (nuint)w.PaddedCols, sizeof(float));
                    for (int r = 0; r < rows; r++)
                        x.Slice(r * w.Cols, w.Cols).CopyTo(new Span<float>(padded + (long)r * w.PaddedCols, w.Cols));
                    job.X = padded;
                }
                int parts = team is null || w.ByteLength * rows < ParallelThreshold ? 1 : Math.Min(team.Size * PartsPerThread, w.Blocks);
                job.Parts = parts;
                if (parts == 1)
                    job.Run(0);
                else
                    team!.For(parts, job);
            }
        }
        finally
        {
            if (padded != null)
                NativeMemory.Free(padded);
        }
    }

    /// <summary>One call's operands; part p of <see cref="Parts"/> computes a contiguous range of row blocks.</summary>
    private struct Job : ThreadTeam.IWork
    {
        public byte* W;
        public int Rows, Blocks, Chunks, ChunkElements, XRows, XStride, Parts;
        public long BlockBytes;
        public TensorDType DType;
        public float* X, Y, Bias;
        public bool Vector512;

        public readonly void Run(int part)
        {
            int first = (int)((long)Blocks * part / Parts), end = (int)((long)Blocks * (part + 1) / Parts);
            switch (DType)
            {
                case TensorDType.F32: RunBlocks<F32Chunk>(this, first, end); break;
                case TensorDType.BF16: RunBlocks<BF16Chunk>(this, first, end); break;
                default: RunBlocks<F16Chunk>(this, first, end); break;
            }
        }
    }

    /// <summary>
    /// Computes blocks [first, end): for each block (kept hot in cache), every group of 4 rows with the 4×4 tiles,
    /// then the leftover rows one at a time. While a block is computed, the next one is requested into L2 a few
    /// cache lines per loop step, spread evenly over the block's whole computation.
    /// </summary>
    /// <remarks>
    /// The 4×4 tiles sweep a block twice, each reading 4 of every 8 chunks: a strided pattern the hardware prefetcher
    /// follows poorly. Requesting the whole next block at once when a block starts (the former scheme) issues
    /// hundreds of prefetches in a burst that stall the loads behind them; spread over the loop they overlap the
    /// arithmetic instead. Measured on a Zen 4 core over the layer shapes of Qwen2.5-0.5B (weights streamed from
    /// DRAM): 4 rows 4.3 → 2.2 ms a layer, against 1.7–2.1 ms for 1 row; 16 rows 8.8 → 6.4 ms.
    /// </remarks>
    // Compiled fully optimised at once: a tier-0 kernel would make the first tokens of a session several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocks<T>(in Job job, int first, int end) where T : unmanaged, IWeightChunk
    {
        if (!job.Vector512)
        {
            RunBlocks256<T>(job, first, end);
            return;
        }
        // A matrix that fits in L2 is read from cache after its first use; prefetching it would only add loads.
        bool streamed = job.Blocks * job.BlockBytes >= PrefetchBytes;
        // Every block reads all of its x rows. When they outgrow a share of L2 (a 256-row prompt chunk is 0.9 MB of
        // x against a 896-wide matrix and 5 MB against the down projection), each block would fetch them again from
        // L3, so the rows are taken a slice at a time and the slice's x stays in L2 across this part's blocks; the
        // weights are read once a slice instead. Each output is computed exactly as before, only the order in which
        // outputs are computed changes. A decode batch (16 rows of the down projection: 0.3 MB) is not sliced.
        long rowBytes = (long)job.XStride * sizeof(float);
        int slice = job.XRows;
        if (rowBytes * job.XRows > XSliceThreshold)
            slice = Math.Max(4, (int)(XSliceBytes / rowBytes) & ~3);
        for (int r0 = 0; r0 < job.XRows; r0 += slice)
        {
            int rows = Math.Min(slice, job.XRows - r0);
            int groups = rows / 4;
            for (int b = first; b < end; b++)
            {
                byte* block = job.W + b * job.BlockBytes;
                byte* next = streamed && b + 1 < end ? block + job.BlockBytes : null;
                int o = b * WeightMatrix.BlockRows;
                int valid = Math.Min(WeightMatrix.BlockRows, job.Rows - o);
                int r = r0;
                // Group g prefetches the next block's chunks g, g + groups, …: each chunk once, the work spread evenly.
                for (int g = 0; g < groups; g++, r += 4)
                {
                    float* x = job.X + (long)r * job.XStride;
                    float* y = job.Y + (long)r * job.Rows;
                    Tile4x4<T>(block, job.Chunks, x, job.XStride, y, job.Rows, o, 0, valid, job.Bias, next, groups, g);
                    Tile4x4<T>(block, job.Chunks, x, job.XStride, y, job.Rows, o, 4, valid, job.Bias, next, groups, g);
                }
                for (; r < r0 + rows; r++)
                    Row1x8<T>(block, job.Chunks, job.X + (long)r * job.XStride, job.Y + (long)r * job.Rows, o, valid, job.Bias,
                        groups == 0 && r == r0 ? next : null);
            }
        }
    }

    /// <summary>Requests <paramref name="lines"/> consecutive cache lines from <paramref name="p"/> into L2 (a hint only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchLines(byte* p, int lines)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported)
            return;   // a hint only (Arm has no such intrinsic in .NET)
        for (int i = 0; i < lines; i++)
            System.Runtime.Intrinsics.X86.Sse.Prefetch1(p + i * WeightMatrix.ChunkBytes);
    }
}
