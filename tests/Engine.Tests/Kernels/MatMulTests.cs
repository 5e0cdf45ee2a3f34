using FluentAssertions;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Safetensors;
using Xunit;

namespace Reasoning.Engine.Tests.Kernels;

public sealed class MatMulTests
{
    public static TheoryData<TensorDType, int, int, int> Cases => new()
    {
        { TensorDType.F32, 37, 100, 5 }, { TensorDType.F32, 8, 16, 1 }, { TensorDType.F32, 1, 1, 3 },
        { TensorDType.BF16, 37, 100, 6 }, { TensorDType.BF16, 300, 64, 17 }, { TensorDType.BF16, 64, 128, 4 },
        { TensorDType.F16, 37, 100, 7 }, { TensorDType.F16, 5, 33, 2 },
        // x over 512 KiB: rows are taken 256 KiB slices at a time (64 + 64 + 2 rows; 32 + 32 + 2).
        { TensorDType.BF16, 40, 1000, 130 }, { TensorDType.F32, 24, 2000, 66 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_matches_the_scalar_reference(TensorDType dtype, int outputs, int inputs, int rows)
    {
        using var w = WeightMatrix.Pack(RandomData.Matrix(dtype, outputs, inputs, seed: 1), dtype, outputs, inputs);
        var x = RandomData.Floats(rows * inputs, seed: 2);
        var bias = RandomData.Floats(outputs, seed: 3);
        var expected = new float[rows * outputs];
        var actual = new float[rows * outputs];
        MatMulReference.Multiply(w, x, rows, expected, bias);
        using var team = new ThreadTeam(2);
        MatMul.Multiply(w, x, rows, actual, bias, team);

        var row = new float[inputs];
        for (int o = 0; o < outputs; o++)
        {
            w.ReadRow(o, row);
            for (int r = 0; r < rows; r++)
            {
                // Different summation orders differ by a few ulps of the sum of magnitudes.
                double magnitude = Math.Abs(bias[o]);
                for (int k = 0; k < inputs; k++)
                    magnitude += Math.Abs(x[r * inputs + k] * row[k]);
                actual[r * outputs + o].Should().BeApproximately(expected[r * outputs + o], (float)(magnitude * 1e-6 + 1e-7), $"y[{r}, {o}]");
            }
        }
    }

    public static TheoryData<TensorDType, int, int> InvarianceShapes => new()
    {
        { TensorDType.BF16, 37, 100 }, { TensorDType.F32, 37, 100 }, { TensorDType.F16, 37, 100 }, { TensorDType.BF16, 896, 4864 },
    };

    [Theory]
    [MemberData(nameof(InvarianceShapes))]
    public void A_rows_result_is_bitwise_the_same_in_every_batch_size_and_thread_split(TensorDType dtype, int outputs, int inputs)
    {
        using var w = WeightMatrix.Pack(RandomData.Matrix(dtype, outputs, inputs, seed: 4), dtype, outputs, inputs);
        const int total = 17;
        var x = RandomData.Floats(total * inputs, seed: 5);
        var bias = RandomData.Floats(outputs, seed: 6);
        var alone = new float[total * outputs];
        for (int r = 0; r < total; r++)
            MatMul.Multiply(w, x.AsSpan(r * inputs, inputs), 1, alone.AsSpan(r * outputs, outputs), bias);

        using var team = new ThreadTeam(2);
        foreach (int batch in new[] { 1, 2, 3, 4, 5, 16, 17 })
            foreach (var t in new[] { null, team })
            {
                var batched = new float[total * outputs];
                for (int r = 0; r < total; r += batch)
                {
                    int n = Math.Min(batch, total - r);
                    MatMul.Multiply(w, x.AsSpan(r * inputs, n * inputs), n, batched.AsSpan(r * outputs, n * outputs), bias, t);
                }
                batched.Should().Equal(alone, $"batches of {batch} rows, {(t is null ? "one thread" : "two threads")}");
            }
    }

    [Theory]
    [InlineData(TensorDType.BF16, 150)]
    [InlineData(TensorDType.F32, 139)]
    public void A_prompt_chunk_taken_in_slices_of_rows_is_bitwise_each_row_alone(TensorDType dtype, int rows)
    {
        // 1,000 inputs: 150 rows of x are 600 KB, over the 512 KiB that the kernels read in one sweep of the blocks,
        // so they go through the rows 64 at a time (whole 4-row tiles, then single rows at the end of the last slice).
        const int outputs = 40, inputs = 1000;
        using var w = WeightMatrix.Pack(RandomData.Matrix(dtype, outputs, inputs, seed: 7), dtype, outputs, inputs);
        var x = RandomData.Floats(rows * inputs, seed: 8);
        var alone = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
            MatMul.Multiply(w, x.AsSpan(r * inputs, inputs), 1, alone.AsSpan(r * outputs, outputs));
        using var team = new ThreadTeam(2);
        var together = new float[rows * outputs];
        MatMul.Multiply(w, x, rows, together, default, team);
        together.Should().Equal(alone);
    }

    [Fact]
    public void Multiply_without_bias_adds_nothing()
    {
        using var w = WeightMatrix.Pack(RandomData.Matrix(TensorDType.BF16, 9, 40, seed: 7), TensorDType.BF16, 9, 40);
        var x = RandomData.Floats(40, seed: 8);
        var withZeroBias = new float[9];
        var without = new float[9];
        MatMul.Multiply(w, x, 1, withZeroBias, new float[9]);
        MatMul.Multiply(w, x, 1, without);
        without.Should().Equal(withZeroBias);
    }

    [Theory]
    [InlineData(TensorDType.F32, 200)]
    [InlineData(TensorDType.BF16, 200)]
    [InlineData(TensorDType.F16, 200)]
    // Long rows: the Vector256 tile takes k in segments of at most 32 chunks (f32 132 chunks in 5 segments, 16-bit
    // types 66 in 3), resuming each accumulator between them.
    [InlineData(TensorDType.F32, 2100)]
    [InlineData(TensorDType.BF16, 2100)]
    [InlineData(TensorDType.F16, 2100)]
    public void Vector256_and_Vector512_kernels_give_bitwise_the_same_result(TensorDType dtype, int inputs)
    {
        // Machines without AVX-512 run the Vector256 tiles; the promise is that they round exactly as the Vector512
        // tiles do, so a model gives the same tokens on both. Batches of 1..9 rows reach the tile and the tail kernels.
        const int outputs = 43;
        using var w = WeightMatrix.Pack(RandomData.Matrix(dtype, outputs, inputs, seed: 9), dtype, outputs, inputs);
        var bias = RandomData.Floats(outputs, seed: 10);
        using var team = new ThreadTeam(2);
        for (int rows = 1; rows <= 9; rows++)
        {
            var x = RandomData.Floats(rows * inputs, seed: 11 + rows);
            var wide = new float[rows * outputs];
            var narrow = new float[rows * outputs];
            MatMul.Multiply(w, x, rows, wide, bias, team, vector512: true);
            MatMul.Multiply(w, x, rows, narrow, bias, null, vector512: false);
            narrow.Should().Equal(wide, $"{rows} rows of {dtype}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(28)]
    [InlineData(152)]
    public void The_Vector256_tile_passes_request_every_byte_of_the_next_block_once_in_pass_order(int chunks)
    {
        // A block is `chunks` chunks of 8 rows × 64 bytes. The tile's passes run over weight rows 0–2, 3–5 and 6–7,
        // each lane half in turn, and each requests its part of the next block while it computes (a hint the results
        // cannot show, so the arithmetic is checked here): consecutive parts, each sized by its rows, ending at the
        // block's end.
        long expectedStart = 0;
        foreach (int j0 in new[] { 0, 3, 6 })
            for (int half = 0; half < 2; half++)
            {
                int share = MatMul.NextBlockShare(j0, half, chunks, out long start);
                int rows = Math.Min(3, WeightMatrix.BlockRows - j0);
                share.Should().Be(rows * 32, $"rows {j0}+, half {half}");
                start.Should().Be(expectedStart, $"rows {j0}+, half {half}");
                expectedStart = start + (long)share * chunks;
            }
        expectedStart.Should().Be((long)chunks * WeightMatrix.BlockRows * 64);
    }
}
