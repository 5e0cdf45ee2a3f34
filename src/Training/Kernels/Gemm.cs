using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Training.Kernels;

/// <summary>
/// The trainer's one matrix product, C[i, j] (+)= Σ_p A(i, p) · B(p, j), with A and B read through arbitrary strides so
/// the same kernel serves the forward (Y = X·Wᵀ) and both backward products (dX = dY·W, dW += dYᵀ·X).
/// Blocks of A (8 rows) and B (32 columns) are packed into contiguous panels; an 8×32 register tile of 16 Vector512
/// accumulators runs the inner loop. Rows of C are split between threads; every element of C is reduced over p in the
/// same ascending order whatever the thread count, so results are bitwise reproducible. Without AVX-512 (Zen 3, most
/// AVX2 machines) the same panels run through a Vector256 kernel of four 4×16 sub-tiles: emulated Vector512 is about 5×
/// slower there, and both kernels reduce each element by the same FMAs in the same order, so results are identical.
/// </summary>
public static unsafe class Gemm
{
    private const int Mr = 8;
    private const int Nr = 32;
    private const int Pc = 256;

    /// <summary>A strided read-only view of a matrix: element (r, c) lives at <c>Data[Offset + r·RowStride + c·ColStride]</c>.</summary>
    public readonly record struct View(float[] Data, int Offset, int RowStride, int ColStride);

    /// <summary>Y[m, n] = Σ_k X[m, k] · W[n, k] for a weight <paramref name="w"/> stored [n, k] (Hugging Face layout).</summary>
    public static void Forward(float[] x, int xOffset, int m, int k, float[] w, int wOffset, int n, float[] y, int yOffset, bool accumulate, int threads) =>
        Multiply(new View(x, xOffset, k, 1), new View(w, wOffset, 1, k), y, yOffset, n, m, k, n, accumulate, threads);

    /// <summary>dX[m, k] (+)= Σ_n dY[m, n] · W[n, k].</summary>
    public static void BackwardInput(float[] dy, int dyOffset, int m, int n, float[] w, int wOffset, int k, float[] dx, int dxOffset, bool accumulate, int threads) =>
        Multiply(new View(dy, dyOffset, n, 1), new View(w, wOffset, k, 1), dx, dxOffset, k, m, n, k, accumulate, threads);

    /// <summary>dW[n, k] += Σ_m dY[m, n] · X[m, k].</summary>
    public static void BackwardWeight(float[] dy, int dyOffset, int m, int n, float[] x, int xOffset, int k, float[] dw, int dwOffset, int threads) =>
        Multiply(new View(dy, dyOffset, 1, n), new View(x, xOffset, k, 1), dw, dwOffset, k, n, m, k, accumulate: true, threads);

    /// <summary>C[i, j] (+)= Σ_p A(i, p) · B(p, j) for i &lt; rows, j &lt; cols, p &lt; depth; C is row-major with stride <paramref name="ldc"/>.</summary>
    public static void Multiply(View a, View b, float[] c, int cOffset, int ldc, int rows, int depth, int cols, bool accumulate, int threads) =>
        Multiply(a, b, c, cOffset, ldc, rows, depth, cols, accumulate, threads, Vector512.IsHardwareAccelerated);

    /// <summary>The product with the kernel chosen: the Vector512 tile or the Vector256 sub-tiles (bitwise the same result).</summary>
    internal static void Multiply(View a, View b, float[] c, int cOffset, int ldc, int rows, int depth, int cols, bool accumulate, int threads, bool vector512)
    {
        if (rows == 0 || cols == 0)
            return;
        int rowBlocks = (rows + Mr - 1) / Mr;
        if (threads <= 1 || rowBlocks == 1)
        {
            Run(a, b, c, cOffset, ldc, rows, depth, cols, accumulate, 0, rowBlocks, vector512);
            return;
        }
        // More parts than threads, taken dynamically: on a shared machine a slowed core does not hold up the other.
        // Each part still computes its rows of C in the same order, so the result is unchanged.
        int parts = Math.Min(rowBlocks, threads * 4);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
        {
            int first = (int)((long)rowBlocks * part / parts), last = (int)((long)rowBlocks * (part + 1) / parts);
            Run(a, b, c, cOffset, ldc, rows, depth, cols, accumulate, first, last, vector512);
        });
    }

    private static void Run(View a, View b, float[] c, int cOffset, int ldc, int rows, int depth, int cols, bool accumulate, int firstBlock, int lastBlock, bool vector512)
    {
        int panels = (cols + Nr - 1) / Nr;
        float[] packedB = ArrayPool<float>.Shared.Rent(panels * Pc * Nr);
        float[] packedA = ArrayPool<float>.Shared.Rent(Pc * Mr);
        float* tile = stackalloc float[Mr * Nr];
        try
        {
            fixed (float* pa = packedA, pb = packedB, pc = c, srcA = a.Data)
            {
                if (depth == 0 && !accumulate)
                {
                    for (int i = firstBlock * Mr; i < Math.Min(rows, lastBlock * Mr); i++)
                        new Span<float>(pc + cOffset + (long)i * ldc, cols).Clear();
                    return;
                }
                for (int p0 = 0; p0 < depth; p0 += Pc)
                {
                    int pn = Math.Min(Pc, depth - p0);
                    PackB(b, p0, pn, cols, pb);
                    bool add = accumulate || p0 > 0;
                    for (int blk = firstBlock; blk < lastBlock; blk++)
                    {
                        int i0 = blk * Mr, mr = Math.Min(Mr, rows - i0);
                        // Row-major A is read in place (8 row pointers); any other A is packed first.
                        bool direct = a.ColStride == 1 && mr == Mr;
                        float* ablock = direct ? srcA + a.Offset + (long)i0 * a.RowStride + p0 : pa;
                        long aRow = direct ? a.RowStride : 1, aStep = direct ? 1 : Mr;
                        if (!direct)
                            PackA(a, i0, mr, p0, pn, pa);
                        for (int panel = 0; panel < panels; panel++)
                        {
                            int j0 = panel * Nr, nr = Math.Min(Nr, cols - j0);
                            float* dst = pc + cOffset + (long)i0 * ldc + j0;
                            if (mr == Mr && nr == Nr)
                            {
                                Tile(ablock, aRow, aStep, pb + (long)panel * Pc * Nr, pn, dst, ldc, add, vector512);
                                continue;
                            }
                            for (int r = 0; r < Mr; r++)
                                for (int j = 0; j < Nr; j++)
                                    tile[r * Nr + j] = add && r < mr && j < nr ? dst[(long)r * ldc + j] : 0f;
                            Tile(ablock, aRow, aStep, pb + (long)panel * Pc * Nr, pn, tile, Nr, true, vector512);
                            for (int r = 0; r < mr; r++)
                                for (int j = 0; j < nr; j++)
                                    dst[(long)r * ldc + j] = tile[r * Nr + j];
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packedB);
            ArrayPool<float>.Shared.Return(packedA);
        }
    }

    // packed[p·Mr + r] = A(i0 + r, p0 + p); rows past the end are zero.
    private static void PackA(View a, int i0, int mr, int p0, int pn, float* packed)
    {
        fixed (float* src = a.Data)
        {
            if (a.RowStride == 1 && mr == Mr)
            {
                // A is stored transposed (the dW and attention dK/dV products): each p is 8 contiguous floats.
                float* col = src + a.Offset + i0 + (long)p0 * a.ColStride;
                for (int p = 0; p < pn; p++)
                    Vector256.Load(col + (long)p * a.ColStride).Store(packed + p * Mr);
                return;
            }
            for (int r = 0; r < Mr; r++)
            {
                if (r >= mr)
                {
                    for (int p = 0; p < pn; p++)
                        packed[p * Mr + r] = 0f;
                    continue;
                }
                float* row = src + a.Offset + (long)(i0 + r) * a.RowStride + (long)p0 * a.ColStride;
                if (a.ColStride == 1)
                    for (int p = 0; p < pn; p++)
                        packed[p * Mr + r] = row[p];
                else
                    for (int p = 0; p < pn; p++)
                        packed[p * Mr + r] = row[(long)p * a.ColStride];
            }
        }
    }

    // packed[panel][p·Nr + j] = B(p0 + p, panel·Nr + j); columns past the end are zero.
    private static void PackB(View b, int p0, int pn, int cols, float* packed)
    {
        fixed (float* src = b.Data)
        {
            int panels = (cols + Nr - 1) / Nr;
            for (int panel = 0; panel < panels; panel++)
            {
                float* dst = packed + (long)panel * Pc * Nr;
                int j0 = panel * Nr, nr = Math.Min(Nr, cols - j0);
                if (b.ColStride == 1)
                {
                    for (int p = 0; p < pn; p++)
                    {
                        float* row = src + b.Offset + (long)(p0 + p) * b.RowStride + j0;
                        int j = 0;
                        for (; j < nr; j++)
                            dst[p * Nr + j] = row[j];
                        for (; j < Nr; j++)
                            dst[p * Nr + j] = 0f;
                    }
                }
                else
                {
                    // B(p, j) = W[j, p]: read each weight row contiguously, scatter into the panel.
                    for (int j = 0; j < Nr; j++)
                    {
                        if (j >= nr)
                        {
                            for (int p = 0; p < pn; p++)
                                dst[p * Nr + j] = 0f;
                            continue;
                        }
                        float* col = src + b.Offset + (long)(j0 + j) * b.ColStride + (long)p0 * b.RowStride;
                        for (int p = 0; p < pn; p++)
                            dst[p * Nr + j] = col[(long)p * b.RowStride];
                    }
                }
            }
        }
    }

    private static void Tile(float* a, long aRow, long aStep, float* b, int depth, float* c, int ldc, bool accumulate, bool vector512)
    {
        if (vector512)
        {
            Kernel(a, aRow, aStep, b, depth, c, ldc, accumulate);
            return;
        }
        // Four 4×16 sub-tiles of 8 Vector256 accumulators each: 8 + 2 (B) + 1 (broadcast) of the 16 AVX2 registers.
        for (int half = 0; half < 2; half++)
            for (int quarter = 0; quarter < 2; quarter++)
                Kernel256(a + quarter * 4 * aRow, aRow, aStep, b + half * 16, depth, c + (long)quarter * 4 * ldc + half * 16, ldc, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(float* a, long aRow, long aStep, float* b, int depth, float* c, int ldc, bool accumulate)
    {
        float* a0 = a, a1 = a + aRow, a2 = a + 2 * aRow, a3 = a + 3 * aRow;
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2L * ldc); c21 = Vector256.Load(c + 2L * ldc + 8);
            c30 = Vector256.Load(c + 3L * ldc); c31 = Vector256.Load(c + 3L * ldc + 8);
        }
        else
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        for (int p = 0; p < depth; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(*a0); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(*a1); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(*a2); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(*a3); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep;
            b += Nr;
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2L * ldc); c21.Store(c + 2L * ldc + 8);
        c30.Store(c + 3L * ldc); c31.Store(c + 3L * ldc + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel(float* a, long aRow, long aStep, float* b, int depth, float* c, int ldc, bool accumulate)
    {
        // Element (r, p) of the A block is a[r·aRow + p·aStep]: packed (1, 8) or row-major in place (lda, 1).
        float* a0 = a, a1 = a + aRow, a2 = a + 2 * aRow, a3 = a + 3 * aRow, a4 = a + 4 * aRow, a5 = a + 5 * aRow, a6 = a + 6 * aRow, a7 = a + 7 * aRow;
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16); c += ldc;
            c10 = Vector512.Load(c); c11 = Vector512.Load(c + 16); c += ldc;
            c20 = Vector512.Load(c); c21 = Vector512.Load(c + 16); c += ldc;
            c30 = Vector512.Load(c); c31 = Vector512.Load(c + 16); c += ldc;
            c40 = Vector512.Load(c); c41 = Vector512.Load(c + 16); c += ldc;
            c50 = Vector512.Load(c); c51 = Vector512.Load(c + 16); c += ldc;
            c60 = Vector512.Load(c); c61 = Vector512.Load(c + 16); c += ldc;
            c70 = Vector512.Load(c); c71 = Vector512.Load(c + 16);
            c -= 7L * ldc;
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        for (int p = 0; p < depth; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(*a0); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(*a1); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(*a2); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(*a3); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(*a4); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(*a5); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(*a6); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(*a7); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep; a4 += aStep; a5 += aStep; a6 += aStep; a7 += aStep;
            b += Nr;
        }
        c00.Store(c); c01.Store(c + 16); c += ldc;
        c10.Store(c); c11.Store(c + 16); c += ldc;
        c20.Store(c); c21.Store(c + 16); c += ldc;
        c30.Store(c); c31.Store(c + 16); c += ldc;
        c40.Store(c); c41.Store(c + 16); c += ldc;
        c50.Store(c); c51.Store(c + 16); c += ldc;
        c60.Store(c); c61.Store(c + 16); c += ldc;
        c70.Store(c); c71.Store(c + 16);
    }
}
