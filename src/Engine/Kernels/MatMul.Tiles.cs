using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reasoning.Engine.Kernels;

// The register-blocked micro-kernels. Both give every output element its own accumulator and update it with
// FMA(w[k..k+16], x[k..k+16], acc) for k = 0, 16, 32, … in order, then call Finish: this is what makes a row's
// result independent of the batch it runs in. They differ only in how many accumulators are in flight.
public static unsafe partial class MatMul
{
    private const int ChunkStride = WeightMatrix.BlockRows * WeightMatrix.ChunkBytes;

    /// <summary>
    /// One x row against the 8 rows of a block (GEMV): 8 independent accumulator chains are enough to hide FMA
    /// latency, and the block is read strictly forward, so this streams at memory bandwidth. With
    /// <paramref name="next"/> set, each step also requests the same chunk of the next block into L2.
    /// </summary>
    // Compiled fully optimised at once: a tier-0 kernel would make the first tokens of a session several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1x8<T>(byte* block, int chunks, float* x, float* y, int o, int valid, float* bias, byte* next)
        where T : unmanaged, IWeightChunk
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        int step = 16 * T.Vectors;
        for (int c = 0; c < chunks; c++, block += ChunkStride, x += step)
        {
            if (next != null)
                PrefetchLines(next + (long)c * ChunkStride, WeightMatrix.BlockRows);
            var x0 = Vector512.Load(x);
            var x1 = T.Vectors == 2 ? Vector512.Load(x + 16) : default;
            Accumulate<T>(block + 0 * 64, x0, x1, ref a0);
            Accumulate<T>(block + 1 * 64, x0, x1, ref a1);
            Accumulate<T>(block + 2 * 64, x0, x1, ref a2);
            Accumulate<T>(block + 3 * 64, x0, x1, ref a3);
            Accumulate<T>(block + 4 * 64, x0, x1, ref a4);
            Accumulate<T>(block + 5 * 64, x0, x1, ref a5);
            Accumulate<T>(block + 6 * 64, x0, x1, ref a6);
            Accumulate<T>(block + 7 * 64, x0, x1, ref a7);
        }
        FinishRow(a0, a1, a2, a3, y, o, 0, valid, bias);
        FinishRow(a4, a5, a6, a7, y, o, 4, valid, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<T>(byte* chunk, Vector512<float> x0, Vector512<float> x1, ref Vector512<float> acc)
        where T : unmanaged, IWeightChunk
    {
        T.Widen(chunk, out var low, out var high);
        acc = Vector512.FusedMultiplyAdd(low, x0, acc);
        if (T.Vectors == 2)
            acc = Vector512.FusedMultiplyAdd(high, x1, acc);
    }

    /// <summary>
    /// Four x rows against rows j0..j0+3 of a block: 16 accumulators, 8 x vectors and 2 weight vectors fit the 32
    /// zmm registers, and each widened weight vector feeds 4 FMAs, so the loop is bound by FMA throughput rather
    /// than by loads or widening. With <paramref name="next"/> set, step c also requests this tile's 4 rows of chunk
    /// c of the next block when c ≡ <paramref name="phase"/> (mod <paramref name="every"/>).
    /// </summary>
    // Compiled fully optimised at once: a tier-0 kernel would make the first tokens of a session several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4<T>(byte* block, int chunks, float* x, int xStride, float* y, int yStride, int o, int j0, int valid, float* bias,
        byte* next, int every, int phase)
        where T : unmanaged, IWeightChunk
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        int step = 16 * T.Vectors;
        byte* w = block + j0 * 64;
        float* xr0 = x, xr1 = x + xStride, xr2 = x + 2 * xStride, xr3 = x + 3 * xStride;
        int due = next == null ? int.MaxValue : phase;
        for (int c = 0; c < chunks; c++, w += ChunkStride)
        {
            if (c == due)
            {
                PrefetchLines(next + (long)c * ChunkStride + j0 * 64, 4);
                due += every;
            }
            int k = c * step;
            var x00 = Vector512.Load(xr0 + k);
            var x10 = Vector512.Load(xr1 + k);
            var x20 = Vector512.Load(xr2 + k);
            var x30 = Vector512.Load(xr3 + k);
            Vector512<float> x01 = default, x11 = default, x21 = default, x31 = default;
            if (T.Vectors == 2)
            {
                x01 = Vector512.Load(xr0 + k + 16);
                x11 = Vector512.Load(xr1 + k + 16);
                x21 = Vector512.Load(xr2 + k + 16);
                x31 = Vector512.Load(xr3 + k + 16);
            }
            Column<T>(w + 0 * 64, x00, x01, x10, x11, x20, x21, x30, x31, ref a00, ref a10, ref a20, ref a30);
            Column<T>(w + 1 * 64, x00, x01, x10, x11, x20, x21, x30, x31, ref a01, ref a11, ref a21, ref a31);
            Column<T>(w + 2 * 64, x00, x01, x10, x11, x20, x21, x30, x31, ref a02, ref a12, ref a22, ref a32);
            Column<T>(w + 3 * 64, x00, x01, x10, x11, x20, x21, x30, x31, ref a03, ref a13, ref a23, ref a33);
        }
        FinishRow(a00, a01, a02, a03, y, o, j0, valid, bias);
        FinishRow(a10, a11, a12, a13, y + yStride, o, j0, valid, bias);
        FinishRow(a20, a21, a22, a23, y + 2 * yStride, o, j0, valid, bias);
        FinishRow(a30, a31, a32, a33, y + 3 * yStride, o, j0, valid, bias);
    }

    /// <summary>One weight row's chunk into the accumulators of 4 x rows (low half first, as in <see cref="Accumulate"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<T>(byte* chunk,
        Vector512<float> x00, Vector512<float> x01, Vector512<float> x10, Vector512<float> x11,
        Vector512<float> x20, Vector512<float> x21, Vector512<float> x30, Vector512<float> x31,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3)
        where T : unmanaged, IWeightChunk
    {
        T.Widen(chunk, out var low, out var high);
        a0 = Vector512.FusedMultiplyAdd(low, x00, a0);
        a1 = Vector512.FusedMultiplyAdd(low, x10, a1);
        a2 = Vector512.FusedMultiplyAdd(low, x20, a2);
        a3 = Vector512.FusedMultiplyAdd(low, x30, a3);
        if (T.Vectors == 2)
        {
            a0 = Vector512.FusedMultiplyAdd(high, x01, a0);
            a1 = Vector512.FusedMultiplyAdd(high, x11, a1);
            a2 = Vector512.FusedMultiplyAdd(high, x21, a2);
            a3 = Vector512.FusedMultiplyAdd(high, x31, a3);
        }
    }

    /// <summary>
    /// Finishes 4 accumulators of one x row (outputs o + j0 … o + j0 + 3). With AVX-512 the four reductions run side by
    /// side in one register (<see cref="Reductions.Sum4(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>); otherwise each goes through <see cref="Finish(Vector512{float}, float*, int, int, int, float*)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishRow(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        float* y, int o, int j0, int valid, float* bias)
    {
        if (Avx512F.IsSupported && j0 + 4 <= valid)
        {
            var sums = Reductions.Sum4(a0, a1, a2, a3);
            if (bias != null)
                sums += Vector128.Load(bias + o + j0);
            sums.Store(y + o + j0);
            return;
        }
        Finish(a0, y, o, j0, valid, bias);
        Finish(a1, y, o, j0 + 1, valid, bias);
        Finish(a2, y, o, j0 + 2, valid, bias);
        Finish(a3, y, o, j0 + 3, valid, bias);
    }

    /// <summary>
    /// Reduces an accumulator in one fixed order (<see cref="Vectors.Sum(Vector512{float})"/>) and adds the bias: the single
    /// place where every kernel turns an accumulator into y[o + j], so all of them round identically.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> acc, float* y, int o, int j, int valid, float* bias)
    {
        if (j >= valid)
            return;
        float sum = Vectors.Sum(acc);
        y[o + j] = bias == null ? sum : sum + bias[o + j];
    }
}
