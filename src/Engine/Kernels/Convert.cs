using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Kernels;

/// <summary>Widening of stored weight elements to f32 (exact for bf16 and f16).</summary>
public static class Convert
{
    /// <summary>bf16 bits to f32: the bits become the upper half of the f32.</summary>
    public static float BF16ToSingle(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>f32 to bf16 bits, rounding to nearest even (NaN stays NaN).</summary>
    public static ushort SingleToBF16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
            return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    /// <summary>Rounds f32 values to bf16 bits (nearest even).</summary>
    public static void ToBF16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        for (int i = 0; i < source.Length; i++)
            destination[i] = SingleToBF16(source[i]);
    }

    /// <summary>Widens bf16 bits to f32 (exact).</summary>
    public static void FromBF16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 32 <= source.Length; i += 32)
            {
                var bits = Vector512.Create(source.Slice(i, 32));
                var (lo, hi) = Vector512.Widen(bits);
                Vector512.ShiftLeft(lo, 16).AsSingle().CopyTo(destination.Slice(i, 16));
                Vector512.ShiftLeft(hi, 16).AsSingle().CopyTo(destination.Slice(i + 16, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= source.Length; i += 16)
            {
                var bits = Vector256.Create(source.Slice(i, 16));
                var (lo, hi) = Vector256.Widen(bits);
                Vector256.ShiftLeft(lo, 16).AsSingle().CopyTo(destination.Slice(i, 8));
                Vector256.ShiftLeft(hi, 16).AsSingle().CopyTo(destination.Slice(i + 8, 8));
            }
        }
        for (; i < source.Length; i++)
            destination[i] = BF16ToSingle(source[i]);
    }

    /// <summary>Widens <paramref name="source"/> (raw little-endian elements of <paramref name="type"/>) into <paramref name="destination"/>.</summary>
    public static void ToSingle(ReadOnlySpan<byte> source, TensorDType type, Span<float> destination)
    {
        int count = source.Length / type.SizeOf();
        if (destination.Length < count)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {count} needed.", nameof(destination));
        switch (type)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case TensorDType.BF16:
                var bf = MemoryMarshal.Cast<byte, ushort>(source);
                for (int i = 0; i < bf.Length; i++)
                    destination[i] = BF16ToSingle(bf[i]);
                break;
            case TensorDType.F16:
                var h = MemoryMarshal.Cast<byte, Half>(source);
                for (int i = 0; i < h.Length; i++)
                    destination[i] = (float)h[i];
                break;
        }
    }
}
