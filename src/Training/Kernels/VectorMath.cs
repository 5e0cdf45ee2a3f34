using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Training.Kernels;

/// <summary>Small Vector512 loops shared by the trainer's kernels: dot product and a·x + y, with scalar tails.</summary>
internal static unsafe class VectorMath
{
    /// <summary>Σ x[i]·y[i], reduced in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* x, float* y, int n)
    {
        int i = 0;
        float sum = 0f;
        if (n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i <= n - 16; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), acc);
            sum = Vector512.Sum(acc);
        }
        for (; i < n; i++)
            sum += x[i] * y[i];
        return sum;
    }

    /// <summary>y[i] += a·x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, float* x, float* y, int n)
    {
        int i = 0;
        var va = Vector512.Create(a);
        for (; i <= n - 16; i += 16)
            Vector512.FusedMultiplyAdd(va, Vector512.Load(x + i), Vector512.Load(y + i)).Store(y + i);
        for (; i < n; i++)
            y[i] += a * x[i];
    }
}
