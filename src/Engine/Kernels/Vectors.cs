using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// Vector512 building blocks of the small kernels (attention, norms, residual adds), each with a scalar tail.
/// Every reduction runs in an order fixed by the length alone, so results never depend on the batch.
/// <see cref="ScalarReference"/> holds the scalar versions they are tested against.
/// Without AVX-512 (e.g. Zen 3) Vector512 is emulated and several times slower, so each loop has a Vector256 form that
/// keeps the same 16 lanes as two halves (<c>lo</c> = lanes 0–7, <c>hi</c> = 8–15): every lane sees the same FMAs in
/// the same order and <see cref="Sum(Vector256{float}, Vector256{float})"/> reduces as <see cref="Sum(Vector512{float})"/>,
/// so results are bitwise the same on both kinds of machine.
/// </summary>
public static class Vectors
{
    /// <summary>Σ a[i] · b[i] over the length of <paramref name="a"/>: one accumulator over 16-wide steps, then a scalar tail.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (b.Length < a.Length)
            throw new ArgumentException($"Dot of {a.Length} floats with {b.Length}.", nameof(b));
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        int n = a.Length, i = 0;
        float sum;
        if (Vector512.IsHardwareAccelerated)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i), acc);
            sum = Sum(acc);
        }
        else
        {
            Vector256<float> lo = Vector256<float>.Zero, hi = Vector256<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                lo = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i), lo);
                hi = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref pa, (nuint)(i + 8)), Vector256.LoadUnsafe(ref pb, (nuint)(i + 8)), hi);
            }
            sum = Sum(lo, hi);
        }
        for (; i < n; i++)
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i), sum);
        return sum;
    }

    /// <summary>Σ x[i]², in the same order as <see cref="Dot"/>.</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x) => Dot(x, x);

    /// <summary>y[i] += a · x[i] over the length of <paramref name="y"/> (fused: one rounding per element).</summary>
    public static void MultiplyAdd(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        if (x.Length < y.Length)
            throw new ArgumentException($"MultiplyAdd into {y.Length} floats from {x.Length}.", nameof(x));
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + 16 <= n; i += 16)
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        else
        {
            var va = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref py, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
    }

    /// <summary>x[i] += y[i] over the length of <paramref name="x"/> (the residual connection).</summary>
    public static void Add(Span<float> x, ReadOnlySpan<float> y)
    {
        if (y.Length < x.Length)
            throw new ArgumentException($"Add into {x.Length} floats from {y.Length}.", nameof(y));
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
                (Vector512.LoadUnsafe(ref px, (nuint)i) + Vector512.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref px, (nuint)i);
        else
            for (; i + 8 <= n; i += 8)
                (Vector256.LoadUnsafe(ref px, (nuint)i) + Vector256.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref px, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref px, i) += Unsafe.Add(ref py, i);
    }

    /// <summary>x[i] · scale · weight[i] into <paramref name="y"/> (may alias <paramref name="x"/>), rounding as the scalar form does.</summary>
    public static void ScaleMultiply(ReadOnlySpan<float> x, float scale, ReadOnlySpan<float> weight, Span<float> y)
    {
        if (weight.Length < x.Length || y.Length < x.Length)
            throw new ArgumentException($"ScaleMultiply of {x.Length} floats: weight {weight.Length}, destination {y.Length}.");
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pw = ref MemoryMarshal.GetReference(weight);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vs = Vector512.Create(scale);
            for (; i + 16 <= n; i += 16)
                (Vector512.LoadUnsafe(ref px, (nuint)i) * vs * Vector512.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        else
        {
            var vs = Vector256.Create(scale);
            for (; i + 8 <= n; i += 8)
                (Vector256.LoadUnsafe(ref px, (nuint)i) * vs * Vector256.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref py, i) = Unsafe.Add(ref px, i) * scale * Unsafe.Add(ref pw, i);
    }

    /// <summary>The lanes of <paramref name="v"/> summed in one fixed order: halves, quarters, then pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v)
    {
        var half = v.GetLower() + v.GetUpper();
        var quarter = half.GetLower() + half.GetUpper();
        return (quarter.GetElement(0) + quarter.GetElement(1)) + (quarter.GetElement(2) + quarter.GetElement(3));
    }

    /// <summary>The 16 lanes held as two halves (<paramref name="lo"/> = lanes 0–7), summed as <see cref="Sum(Vector512{float})"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> lo, Vector256<float> hi)
    {
        var half = lo + hi;
        var quarter = half.GetLower() + half.GetUpper();
        return (quarter.GetElement(0) + quarter.GetElement(1)) + (quarter.GetElement(2) + quarter.GetElement(3));
    }
}
