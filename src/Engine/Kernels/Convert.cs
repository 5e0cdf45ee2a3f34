using System.Runtime.InteropServices;
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
