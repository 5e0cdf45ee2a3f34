using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// e^x for x ≤ 0 (softmax arguments), vectorized: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for accuracy),
/// e^r by a degree-6 polynomial, 2^n by building the exponent bits. Relative error about 2e-7; inputs below −87
/// (and −∞, and NaN) give 0. The scalar form runs the same operations, so a lane and the scalar tail agree bit for bit.
/// Used by the engine's softmax, SiLU and sampler and by the trainer's attention: <c>MathF.Exp</c> is ~2.5 ns an
/// element, and .NET 10's <c>Vector512.Exp</c> was measured at ~4 ns an element on both Zen 3 and Xeon machines (it
/// works in double). Not for positive arguments above ~88 (the exponent overflows). The Vector256 forms repeat the
/// Vector512 ones operation for operation (tests hold them bitwise equal): .NET 10 keeps <c>ISimdVector</c>, which
/// would let one generic body serve both widths, internal.
/// </summary>
public static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>e^x lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var live = Vector512.GreaterThanOrEqual(x, Vector512.Create(-87f));
        x = Vector512.Max(x, Vector512.Create(-87f));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return (p * scale.AsSingle()) & live;
    }

    /// <summary>
    /// <see cref="Exp(Vector512{float})"/> on 8 lanes, operation for operation, for machines without AVX-512 (where
    /// Vector512 is emulated): every lane is bitwise the same as the wide form's and the scalar form's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var live = Vector256.GreaterThanOrEqual(x, Vector256.Create(-87f));
        x = Vector256.Max(x, Vector256.Create(-87f));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var scale = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return (p * scale.AsSingle()) & live;
    }

    /// <summary>The same computation as <see cref="Exp(Vector512{float})"/> for one value.</summary>
    public static float Exp(float x)
    {
        if (!(x >= -87f))
            return 0f;   // as the vector form's mask (NaN included)
        x = Math.Max(x, -87f);
        float n = MathF.Round(x * Log2E);
        float r = MathF.FusedMultiplyAdd(n, -Ln2Hi, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Lo, r);
        float p = MathF.FusedMultiplyAdd(P0, r, P1);
        p = MathF.FusedMultiplyAdd(p, r, P2);
        p = MathF.FusedMultiplyAdd(p, r, P3);
        p = MathF.FusedMultiplyAdd(p, r, P4);
        p = MathF.FusedMultiplyAdd(p, r, P5);
        p = MathF.FusedMultiplyAdd(p, r * r, r + 1f);
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }

    // Double precision: the same reduction with ln 2 split in two, and the Taylor series of e^r to degree 13
    // (|r| ≤ ln2/2, so the first omitted term is below 4e-18): within about an ulp of Math.Exp.
    private const double Log2ED = 1.4426950408889634;
    private const double Ln2HiD = 0.693147180369123816490, Ln2LoD = 1.90821492927058770002e-10;

    /// <summary>e^x lane by lane in double precision, for x ≤ 0 (inputs below −708, −∞ and NaN give 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> x)
    {
        var live = Vector512.GreaterThanOrEqual(x, Vector512.Create(-708.0));
        x = Vector512.Max(x, Vector512.Create(-708.0));
        var n = Vector512.Round(x * Vector512.Create(Log2ED));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2HiD), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2LoD), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(F13), r, Vector512.Create(F12));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F11));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F10));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F9));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F8));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F7));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(F3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<double>.One);
        var scale = (Vector512.ConvertToInt64(n) + Vector512.Create(1023L)) << 52;
        return (p * scale.AsDouble()) & live.AsDouble();
    }

    /// <summary>
    /// <see cref="Exp(Vector512{double})"/> on 4 lanes, bitwise the same, for machines without AVX-512. AVX2 has no
    /// double-to-long conversion, so 2^n is built by adding 2^52 to n + 1023 (a whole number below 2^11, which then sits
    /// in the low mantissa bits) and shifting those bits into the exponent: the same bits as the wide form's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var live = Vector256.GreaterThanOrEqual(x, Vector256.Create(-708.0));
        x = Vector256.Max(x, Vector256.Create(-708.0));
        var n = Vector256.Round(x * Vector256.Create(Log2ED));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2HiD), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2LoD), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(F13), r, Vector256.Create(F12));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F11));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F10));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F9));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F8));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F7));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(F3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        var scale = (n + Vector256.Create(1023.0 + 4503599627370496.0)).AsInt64() << 52;
        return (p * scale.AsDouble()) & live.AsDouble();
    }

    /// <summary>The same computation as <see cref="Exp(Vector512{double})"/> for one value.</summary>
    public static double Exp(double x)
    {
        if (!(x >= -708.0))
            return 0;
        double n = Math.Round(x * Log2ED);
        double r = Math.FusedMultiplyAdd(n, -Ln2HiD, x);
        r = Math.FusedMultiplyAdd(n, -Ln2LoD, r);
        double p = Math.FusedMultiplyAdd(F13, r, F12);
        p = Math.FusedMultiplyAdd(p, r, F11);
        p = Math.FusedMultiplyAdd(p, r, F10);
        p = Math.FusedMultiplyAdd(p, r, F9);
        p = Math.FusedMultiplyAdd(p, r, F8);
        p = Math.FusedMultiplyAdd(p, r, F7);
        p = Math.FusedMultiplyAdd(p, r, F6);
        p = Math.FusedMultiplyAdd(p, r, F5);
        p = Math.FusedMultiplyAdd(p, r, F4);
        p = Math.FusedMultiplyAdd(p, r, F3);
        p = Math.FusedMultiplyAdd(p, r, 0.5);
        p = Math.FusedMultiplyAdd(p, r, 1.0);
        p = Math.FusedMultiplyAdd(p, r, 1.0);
        return p * BitConverter.Int64BitsToDouble(((long)n + 1023L) << 52);
    }

    // 1/k!, each rounded once from the exact integer k!.
    private const double F3 = 1.0 / 6, F4 = 1.0 / 24, F5 = 1.0 / 120, F6 = 1.0 / 720, F7 = 1.0 / 5040, F8 = 1.0 / 40320,
        F9 = 1.0 / 362880, F10 = 1.0 / 3628800, F11 = 1.0 / 39916800, F12 = 1.0 / 479001600, F13 = 1.0 / 6227020800;
}
