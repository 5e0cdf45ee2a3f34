using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

/// <summary>Numerically stable softmax, in place.</summary>
public static class Softmax
{
    /// <summary>Replaces <paramref name="values"/> with softmax(values).</summary>
    /// <remarks>The sum runs in an order fixed by the length (16 lanes, then the tail), so it never depends on the batch.
    /// Exponentials are <see cref="FastExp"/>'s (relative error ~2e-7).</remarks>
    public static void Apply(Span<float> values)
    {
        ref float p = ref MemoryMarshal.GetReference(values);
        int n = values.Length, vectorEnd = n - n % 16;

        float max = float.NegativeInfinity;
        if (vectorEnd > 0)
        {
            var vmax = Vector512.Create(float.NegativeInfinity);
            for (int i = 0; i < vectorEnd; i += 16)
                vmax = Vector512.Max(vmax, Vector512.LoadUnsafe(ref p, (nuint)i));
            for (int lane = 0; lane < 16; lane++)
                max = MathF.Max(max, vmax.GetElement(lane));
        }
        for (int i = vectorEnd; i < n; i++)
            max = MathF.Max(max, values[i]);

        var vsum = Vector512<float>.Zero;
        var vmaxAll = Vector512.Create(max);
        for (int i = 0; i < vectorEnd; i += 16)
        {
            var e = FastExp.Exp(Vector512.LoadUnsafe(ref p, (nuint)i) - vmaxAll);
            e.StoreUnsafe(ref p, (nuint)i);
            vsum += e;
        }
        float sum = Vectors.Sum(vsum);
        for (int i = vectorEnd; i < n; i++)
        {
            values[i] = FastExp.Exp(values[i] - max);
            sum += values[i];
        }

        float inv = 1f / sum;
        var vinv = Vector512.Create(inv);
        for (int i = 0; i < vectorEnd; i += 16)
            (Vector512.LoadUnsafe(ref p, (nuint)i) * vinv).StoreUnsafe(ref p, (nuint)i);
        for (int i = vectorEnd; i < n; i++)
            values[i] *= inv;
    }
}
