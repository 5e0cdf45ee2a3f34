using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

// The same kernels for machines without AVX-512 (Vector512 is emulated there, several times slower). Each output
// element keeps its 16-lane accumulator as two Vector256 halves (lanes 0–7, 8–15), fed by the same FMAs in the same
// order as the Vector512 kernels and reduced by the same Sum, so results are bitwise identical to them. With 16 ymm
// registers the tiles are smaller: 4 x rows × 1 weight row, and 1 x row × 4 weight rows.
public static unsafe partial class MatMul
{
    /// <summary>Blocks [first, end) with the Vector256 tiles: 4 x rows at a time, then the leftover rows one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocks256<T>(in Job job, int first, int end) where T : unmanaged, IWeightChunk
    {
        for (int b = first; b < end; b++)
        {
            byte* block = job.W + b * job.BlockBytes;
            int o = b * WeightMatrix.BlockRows;
            int valid = Math.Min(WeightMatrix.BlockRows, job.Rows - o);
            int r = 0;
            for (; r + 4 <= job.XRows; r += 4)
            {
                float* x = job.X + (long)r * job.XStride;
                float* y = job.Y + (long)r * job.Rows;
                for (int j = 0; j < valid; j++)
                    Tile4x1<T>(block, job.Chunks, x, job.XStride, y, job.Rows, o, j, job.Bias);
            }
            for (; r < job.XRows; r++)
            {
                float* x = job.X + (long)r * job.XStride, y = job.Y + (long)r * job.Rows;
                Row1x4<T>(block, job.Chunks, x, y, o, 0, valid, job.Bias);
                if (valid > 4)
                    Row1x4<T>(block, job.Chunks, x, y, o, 4, valid, job.Bias);
            }
        }
    }

    /// <summary>One x row against rows j0..j0+3 of a block: 8 accumulator halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1x4<T>(byte* block, int chunks, float* x, float* y, int o, int j0, int valid, float* bias)
        where T : unmanaged, IWeightChunk
    {
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        int step = 16 * T.Vectors;
        byte* w = block + j0 * 64;
        for (int c = 0; c < chunks; c++, w += ChunkStride, x += step)
        {
            Half<T>(w + 0 * 64, x, ref a0, ref b0);
            Half<T>(w + 1 * 64, x, ref a1, ref b1);
            Half<T>(w + 2 * 64, x, ref a2, ref b2);
            Half<T>(w + 3 * 64, x, ref a3, ref b3);
        }
        Finish(a0, b0, y, o, j0, valid, bias);
        Finish(a1, b1, y, o, j0 + 1, valid, bias);
        Finish(a2, b2, y, o, j0 + 2, valid, bias);
        Finish(a3, b3, y, o, j0 + 3, valid, bias);
    }

    /// <summary>Four x rows against row j of a block: each widened weight half feeds 4 rows (8 accumulator halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1<T>(byte* block, int chunks, float* x, int xStride, float* y, int yStride, int o, int j, float* bias)
        where T : unmanaged, IWeightChunk
    {
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        int step = 16 * T.Vectors;
        byte* w = block + j * 64;
        float* x0 = x, x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        for (int c = 0; c < chunks; c++, w += ChunkStride, x0 += step, x1 += step, x2 += step, x3 += step)
        {
            T.WidenHalf(w, 0, out var low, out var high);
            a0 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x0), a0);
            a1 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x1), a1);
            a2 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x2), a2);
            a3 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x3), a3);
            if (T.Vectors == 2)
            {
                a0 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x0 + 16), a0);
                a1 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x1 + 16), a1);
                a2 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x2 + 16), a2);
                a3 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x3 + 16), a3);
            }
            T.WidenHalf(w, 1, out low, out high);
            b0 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x0 + 8), b0);
            b1 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x1 + 8), b1);
            b2 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x2 + 8), b2);
            b3 = Vector256.FusedMultiplyAdd(low, Vector256.Load(x3 + 8), b3);
            if (T.Vectors == 2)
            {
                b0 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x0 + 24), b0);
                b1 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x1 + 24), b1);
                b2 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x2 + 24), b2);
                b3 = Vector256.FusedMultiplyAdd(high, Vector256.Load(x3 + 24), b3);
            }
        }
        Finish(a0, b0, y, o, j, WeightMatrix.BlockRows, bias);
        Finish(a1, b1, y + yStride, o, j, WeightMatrix.BlockRows, bias);
        Finish(a2, b2, y + 2 * yStride, o, j, WeightMatrix.BlockRows, bias);
        Finish(a3, b3, y + 3 * yStride, o, j, WeightMatrix.BlockRows, bias);
    }

    /// <summary>One weight row's chunk into one x row's accumulator halves, in <see cref="Accumulate"/>'s order per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Half<T>(byte* chunk, float* x, ref Vector256<float> lo, ref Vector256<float> hi)
        where T : unmanaged, IWeightChunk
    {
        T.WidenHalf(chunk, 0, out var low, out var high);
        lo = Vector256.FusedMultiplyAdd(low, Vector256.Load(x), lo);
        if (T.Vectors == 2)
            lo = Vector256.FusedMultiplyAdd(high, Vector256.Load(x + 16), lo);
        T.WidenHalf(chunk, 1, out low, out high);
        hi = Vector256.FusedMultiplyAdd(low, Vector256.Load(x + 8), hi);
        if (T.Vectors == 2)
            hi = Vector256.FusedMultiplyAdd(high, Vector256.Load(x + 24), hi);
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
