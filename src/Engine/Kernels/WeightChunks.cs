using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// How one 64-byte chunk of a packed <see cref="WeightMatrix"/> row widens to f32 vectors. The matrix kernels are
/// generic over this so the JIT compiles one specialised loop per dtype with no per-element branches.
/// </summary>
internal unsafe interface IWeightChunk
{
    /// <summary>Vectors of 16 floats one chunk widens to: 1 for f32, 2 for 16-bit types.</summary>
    static abstract int Vectors { get; }

    /// <summary>Widens a chunk: <paramref name="low"/> holds elements 0–15, <paramref name="high"/> 16–31 (unused for f32).</summary>
    static abstract void Widen(byte* chunk, out Vector512<float> low, out Vector512<float> high);

    /// <summary>
    /// Lanes 8·<paramref name="half"/> to 8·<paramref name="half"/> + 7 of <see cref="Widen"/>'s two vectors, for
    /// machines without AVX-512: <paramref name="low"/> holds elements 8h…8h+7, <paramref name="high"/> 16+8h…16+8h+7.
    /// <paramref name="upper"/> is 0xFFFF0000 in every lane, made by the caller before its loop: the JIT does not hoist
    /// a vector constant out of a loop, and reloading it every step cost a Zen 1 core 4% of the 4×2 tile's throughput.
    /// Only bf16 uses it (its high half is a mask); f32 needs no constant and f16, rare in checkpoints, keeps its own.
    /// </summary>
    static abstract void WidenHalf(byte* chunk, int half, Vector256<uint> upper, out Vector256<float> low, out Vector256<float> high);

    /// <summary>
    /// <see cref="WidenHalf"/>'s low vector alone, from <paramref name="half"/>, a chunk pointer already offset to its
    /// lane half (32·h bytes in, for every dtype). With <see cref="WidenHigh"/>, for kernels with no register to spare
    /// for the raw bits or the bf16 mask between the two.
    /// </summary>
    static abstract Vector256<float> WidenLow(byte* half);

    /// <summary><see cref="WidenHalf"/>'s high vector alone (unused for f32); see <see cref="WidenLow"/>.</summary>
    static abstract Vector256<float> WidenHigh(byte* half);
}

/// <summary>f32 chunks: 16 elements, loaded as they are.</summary>
internal readonly unsafe struct F32Chunk : IWeightChunk
{
    public static int Vectors => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(byte* chunk, out Vector512<float> low, out Vector512<float> high)
    {
        low = Vector512.Load((float*)chunk);
        high = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenHalf(byte* chunk, int half, Vector256<uint> upper, out Vector256<float> low, out Vector256<float> high)
    {
        low = Vector256.Load((float*)chunk + 8 * half);
        high = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(byte* half) => Vector256.Load((float*)half);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(byte* half) => default;
}

/// <summary>
/// bf16 chunks: a bf16 is the upper half of an f32, and the packing put element i in the low half of lane i and
/// element 16 + i in the high half — so a shift gives the first 16 and a mask the next 16, with no shuffle.
/// </summary>
internal readonly unsafe struct BF16Chunk : IWeightChunk
{
    public static int Vectors => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(byte* chunk, out Vector512<float> low, out Vector512<float> high)
    {
        var bits = Vector512.Load((uint*)chunk);
        low = Vector512.ShiftLeft(bits, 16).AsSingle();
        high = (bits & Vector512.Create(0xFFFF_0000u)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenHalf(byte* chunk, int half, Vector256<uint> upper, out Vector256<float> low, out Vector256<float> high)
    {
        var bits = Vector256.Load((uint*)chunk + 8 * half);
        low = Vector256.ShiftLeft(bits, 16).AsSingle();
        high = (bits & upper).AsSingle();
    }

    /// <remarks>
    /// The bits are read with an aligned load (a packed matrix is 64-byte aligned, a lane half 32): the JIT merges two
    /// plain loads of the same bytes, so <see cref="WidenHigh"/>'s load would become this one's, and a kernel out of
    /// registers (the AVX2 4×3 pass) then kept the raw bits on the stack, three stores and reloads a chunk. It does
    /// not merge an aligned load with a plain one, so the high half reads the bits again, straight into its vpand.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(byte* half) =>
        (Avx2.IsSupported
            ? Avx2.ShiftLeftLogical(Avx.LoadAlignedVector256((uint*)half), 16)
            : Vector256.ShiftLeft(Vector256.Load((uint*)half), 16)).AsSingle();

    /// <remarks>The mask is made here, inside the caller's loop: with no register free for it the JIT rebuilds it each
    /// step (one broadcast load), which costs less than a spill.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(byte* half) => (Vector256.Load((uint*)half) & Vector256.Create(0xFFFF_0000u)).AsSingle();
}

/// <summary>
/// f16 chunks (same interleaving as bf16). .NET exposes no vcvtph2ps on 512-bit vectors, so the conversion is done
/// with integer operations: placing the 15 magnitude bits at the f32 mantissa/exponent boundary and multiplying by
/// 2^112 rebias the exponent exactly (subnormal halves become normal floats); infinities and NaNs get the f32
/// all-ones exponent; the sign is copied.
/// </summary>
internal readonly unsafe struct F16Chunk : IWeightChunk
{
    public static int Vectors => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(byte* chunk, out Vector512<float> low, out Vector512<float> high)
    {
        var bits = Vector512.Load((uint*)chunk);
        low = ToSingle(bits & Vector512.Create(0xFFFFu));
        high = ToSingle(Vector512.ShiftRightLogical(bits, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WidenHalf(byte* chunk, int half, Vector256<uint> upper, out Vector256<float> low, out Vector256<float> high)
    {
        var bits = Vector256.Load((uint*)chunk + 8 * half);
        low = ToSingle(bits & Vector256.Create(0xFFFFu));
        high = ToSingle(Vector256.ShiftRightLogical(bits, 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(byte* half) => ToSingle(Vector256.Load((uint*)half) & Vector256.Create(0xFFFFu));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(byte* half) => ToSingle(Vector256.ShiftRightLogical(Vector256.Load((uint*)half), 16));

    /// <summary>The Vector256 form of <see cref="ToSingle(Vector512{uint})"/>, operation for operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ToSingle(Vector256<uint> half)
    {
        var magnitude = half & Vector256.Create(0x7FFFu);
        var shifted = Vector256.ShiftLeft(magnitude, 13);
        var finite = shifted.AsSingle() * Vector256.Create(0x7780_0000u).AsSingle() /* 2^112 */;
        var special = (shifted | Vector256.Create(0x7F80_0000u)).AsSingle();
        var isSpecial = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x7C00u)).AsSingle();
        var value = Vector256.ConditionalSelect(isSpecial, special, finite);
        var sign = Vector256.ShiftLeft(half & Vector256.Create(0x8000u), 16);
        return (value.AsUInt32() | sign).AsSingle();
    }

    /// <summary>Converts f16 bit patterns held in the low 16 bits of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ToSingle(Vector512<uint> half)
    {
        var magnitude = half & Vector512.Create(0x7FFFu);
        var shifted = Vector512.ShiftLeft(magnitude, 13);
        var finite = shifted.AsSingle() * Vector512.Create(0x7780_0000u).AsSingle() /* 2^112 */;
        var special = (shifted | Vector512.Create(0x7F80_0000u)).AsSingle();
        var isSpecial = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7C00u)).AsSingle();
        var value = Vector512.ConditionalSelect(isSpecial, special, finite);
        var sign = Vector512.ShiftLeft(half & Vector512.Create(0x8000u), 16);
        return (value.AsUInt32() | sign).AsSingle();
    }
}
