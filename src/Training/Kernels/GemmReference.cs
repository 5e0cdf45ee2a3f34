namespace Reasoning.Training.Kernels;

/// <summary>The obviously-correct triple loop behind <see cref="Gemm"/>, accumulated in double; tests compare the two.</summary>
public static class GemmReference
{
    /// <summary>C[i, j] (+)= Σ_p A(i, p) · B(p, j), with the same strided views as <see cref="Gemm.Multiply(Gemm.View, Gemm.View, float[], int, int, int, int, int, bool, int)"/>.</summary>
    public static void Multiply(Gemm.View a, Gemm.View b, float[] c, int cOffset, int ldc, int rows, int depth, int cols, bool accumulate)
    {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                double sum = accumulate ? c[cOffset + i * ldc + j] : 0.0;
                for (int p = 0; p < depth; p++)
                    sum += (double)a.Data[a.Offset + i * a.RowStride + p * a.ColStride] * b.Data[b.Offset + p * b.RowStride + j * b.ColStride];
                c[cOffset + i * ldc + j] = (float)sum;
            }
    }
}
