using System.Runtime.InteropServices;
using Reasoning.Engine.Safetensors;
using Xunit;
using EngineConvert = Reasoning.Engine.Kernels.Convert;

namespace Reasoning.Engine.Tests.Kernels;

/// <summary>Seeded random inputs for kernel tests, in each stored dtype.</summary>
internal static class RandomData
{
    /// <summary>Lengths that straddle every vector width and unroll factor the kernels use.</summary>
    public static TheoryData<int> AwkwardLengths => new() { 1, 7, 15, 16, 17, 33, 64, 100, 257, 4864 };

    public static float[] Floats(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>Row-major bytes of a random [rows, cols] matrix stored as <paramref name="dtype"/>.</summary>
    public static byte[] Matrix(TensorDType dtype, int rows, int cols, int seed)
    {
        var values = Floats(rows * cols, seed);
        switch (dtype)
        {
            case TensorDType.F32:
                return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            case TensorDType.BF16:
                var bf = values.Select(EngineConvert.SingleToBF16).ToArray();
                return MemoryMarshal.AsBytes(bf.AsSpan()).ToArray();
            default:
                var h = values.Select(v => (Half)v).ToArray();
                return MemoryMarshal.AsBytes(h.AsSpan()).ToArray();
        }
    }
}
