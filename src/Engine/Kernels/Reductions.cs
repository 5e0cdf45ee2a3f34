using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// Several <see cref="Vectors.Sum(Vector512{float})"/> at once (with AVX-512; elsewhere, where only tests run the
/// Vector512 kernels, emulated, each result is simply its own Sum). Sum adds an accumulator's lanes in one
/// fixed order: halves, quarters, then pairs. Here the parts of several accumulators are shuffled side by side so
/// that one addition serves all of them, every lane going through the same additions in the same order (float addition
/// commutes exactly), so each result is bitwise Sum's. Used where many short reductions end a loop: attention scores
/// 16 keys at a time, the matrix tiles finish 4 outputs at a time.
/// </summary>
internal static class Reductions
{
    // The permutations are written as constants where they are used, not kept in static readonly fields: the kernels
    // that inline these sums are compiled fully optimised before any class is initialised, so a static field costs a
    // class-initialisation helper call after their loops. That call clobbers every vector register, and the register
    // allocator then stored the 4×4 tile's accumulators to the stack on every loop step (single-thread layer time ×2).

    /// <summary>[Sum(a0), Sum(a1), Sum(a2), Sum(a3)]: ~11 instructions against ~50 for four Sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        if (!Avx512F.IsSupported)
            return Vector128.Create(Vectors.Sum(a0), Vectors.Sum(a1), Vectors.Sum(a2), Vectors.Sum(a3));
        // One accumulator's quarter per 128-bit lane, then (e0 + e1) + (e2 + e3) within each lane, left in its lane 0.
        var q = Quarters(Halves(a0, a1), Halves(a2, a3));
        var p = Pairs(q, q);
        return Avx512F.PermuteVar16x32(Pairs(p, p), Vector512.Create(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower().GetLower();
    }

    /// <summary>
    /// [Sum(a0), Sum(a1), Sum(a2), Sum(a3)] for accumulators held as two Vector256 halves (AVX only), each bitwise
    /// <see cref="Vectors.Sum(Vector256{float}, Vector256{float})"/>: the halves added, then two accumulators' quarters
    /// side by side in one register, then the pairs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> lo0, Vector256<float> hi0, Vector256<float> lo1, Vector256<float> hi1,
        Vector256<float> lo2, Vector256<float> hi2, Vector256<float> lo3, Vector256<float> hi3)
    {
        Vector256<float> h0 = lo0 + hi0, h1 = lo1 + hi1, h2 = lo2 + hi2, h3 = lo3 + hi3;
        // [quarter of a0 | quarter of a1] and [a2 | a3]: lanes 0–3 + lanes 4–7 of each half.
        var q01 = Avx.Permute2x128(h0, h1, 0x20) + Avx.Permute2x128(h0, h1, 0x31);
        var q23 = Avx.Permute2x128(h2, h3, 0x20) + Avx.Permute2x128(h2, h3, 0x31);
        // Per 128-bit lane [e0 + e1, e2 + e3] of one quarter, then of the other: low lane a0, a2; high lane a1, a3.
        var p = Avx.Shuffle(q01, q23, 0b10_00_10_00) + Avx.Shuffle(q01, q23, 0b11_01_11_01);
        var s = Avx.Shuffle(p, p, 0b10_00_10_00) + Avx.Shuffle(p, p, 0b11_01_11_01);
        // s = [S0, S2, S0, S2 | S1, S3, S1, S3].
        return Sse.UnpackLow(s.GetLower(), s.GetUpper());
    }

    /// <summary>Lane j of the result is Sum(a_j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sum16(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7, Vector512<float> a8, Vector512<float> a9,
        Vector512<float> a10, Vector512<float> a11, Vector512<float> a12, Vector512<float> a13, Vector512<float> a14, Vector512<float> a15)
    {
        if (!Avx512F.IsSupported)
            return Vector512.Create(Vectors.Sum(a0), Vectors.Sum(a1), Vectors.Sum(a2), Vectors.Sum(a3), Vectors.Sum(a4),
                Vectors.Sum(a5), Vectors.Sum(a6), Vectors.Sum(a7), Vectors.Sum(a8), Vectors.Sum(a9), Vectors.Sum(a10),
                Vectors.Sum(a11), Vectors.Sum(a12), Vectors.Sum(a13), Vectors.Sum(a14), Vectors.Sum(a15));
        // Halves: [a_j lanes 0-7 + lanes 8-15 | the same for a_j+1], as Sum's first step.
        var h0 = Halves(a0, a1); var h1 = Halves(a2, a3); var h2 = Halves(a4, a5); var h3 = Halves(a6, a7);
        var h4 = Halves(a8, a9); var h5 = Halves(a10, a11); var h6 = Halves(a12, a13); var h7 = Halves(a14, a15);
        // Quarters: the 4-lane block j holds key 4·m + j's quarter (m = which of the four vectors).
        var q0 = Quarters(h0, h1); var q1 = Quarters(h2, h3); var q2 = Quarters(h4, h5); var q3 = Quarters(h6, h7);
        // Pairs: (e0 + e1) + (e2 + e3) within each quarter.
        var p01 = Pairs(q0, q1);
        var p23 = Pairs(q2, q3);
        var sums = Pairs(p01, p23);
        // Lane 4·b + c now holds key 4·c + b.
        return Avx512F.PermuteVar16x32(sums, Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    }

    /// <summary>[a.q0 + a.q2, a.q1 + a.q3, b.q0 + b.q2, b.q1 + b.q3] (q = 128-bit quarters): Sum's halves of a and b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves(Vector512<float> a, Vector512<float> b) =>
        Avx512F.Shuffle4x128(a, b, 0b01_00_01_00) + Avx512F.Shuffle4x128(a, b, 0b11_10_11_10);

    /// <summary>Sum's quarters: x.q0 + x.q1, x.q2 + x.q3, y.q0 + y.q1, y.q2 + y.q3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quarters(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle4x128(x, y, 0b10_00_10_00) + Avx512F.Shuffle4x128(x, y, 0b11_01_11_01);

    /// <summary>Within each 128-bit lane: [x0 + x1, x2 + x3, y0 + y1, y2 + y3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pairs(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b10_00_10_00) + Avx512F.Shuffle(x, y, 0b11_01_11_01);
}
