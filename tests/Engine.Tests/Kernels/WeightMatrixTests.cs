using System.Runtime.Intrinsics;
using FluentAssertions;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Safetensors;
using Xunit;
using EngineConvert = Reasoning.Engine.Kernels.Convert;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class WeightMatrixTests
{
    public static TheoryData<TensorDType, int, int> Shapes => new()
    {
        { TensorDType.F32, 1, 1 }, { TensorDType.F32, 37, 100 }, { TensorDType.F32, 9, 16 },
        { TensorDType.BF16, 1, 1 }, { TensorDType.BF16, 37, 100 }, { TensorDType.BF16, 8, 64 }, { TensorDType.BF16, 13, 33 },
        { TensorDType.F16, 3, 17 }, { TensorDType.F16, 37, 100 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ReadRow_returns_exactly_the_stored_row_after_repacking(TensorDType dtype, int rows, int cols)
    {
        var bytes = RandomData.Matrix(dtype, rows, cols, seed: rows * 31 + cols);
        using var w = WeightMatrix.Pack(bytes, dtype, rows, cols);
        var expected = new float[cols];
        var actual = new float[cols];
        int size = dtype.SizeOf();
        for (int r = 0; r < rows; r++)
        {
            EngineConvert.ToSingle(bytes.AsSpan(r * cols * size, cols * size), dtype, expected);
            w.ReadRow(r, actual);
            actual.Should().Equal(expected, $"row {r}");
        }
    }

    [Fact]
    public void F16_widening_is_exact_for_every_bit_pattern()
    {
        for (int start = 0; start < 65536; start += 16)
        {
            var bits = Vector512.Create(Enumerable.Range(start, 16).Select(b => (uint)b).ToArray());
            var widened = F16Chunk.ToSingle(bits);
            for (int i = 0; i < 16; i++)
            {
                float expected = (float)BitConverter.UInt16BitsToHalf((ushort)(start + i));
                float actual = widened.GetElement(i);
                if (float.IsNaN(expected))
                    float.IsNaN(actual).Should().BeTrue($"f16 bits {start + i:X4}");
                else
                    BitConverter.SingleToInt32Bits(actual).Should().Be(BitConverter.SingleToInt32Bits(expected), $"f16 bits {start + i:X4}");
            }
        }
    }
}
