using System.Runtime.InteropServices;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// A weight matrix W of shape [Rows, Cols] (out features × in features, as PyTorch stores linear layers), kept in
/// its stored dtype in native memory in the layout <see cref="MatMul"/> streams best. It is built once at load from
/// the row-major bytes of a safetensors tensor; it is never widened to f32 as a whole.
/// </summary>
public sealed unsafe class WeightMatrix : IDisposable
{
    private byte* _data;

    /// <summary>Output features.</summary>
    public int Rows { get; }

    /// <summary>Input features.</summary>
    public int Cols { get; }

    /// <summary>Element type as stored.</summary>
    public TensorDType DType { get; }

    /// <summary>Bytes of native memory held.</summary>
    public long ByteLength => (long)Rows * Cols * DType.SizeOf();

    internal byte* Data => _data != null ? _data : throw new ObjectDisposedException(nameof(WeightMatrix));

    private WeightMatrix(int rows, int cols, TensorDType dtype)
    {
        Rows = rows;
        Cols = cols;
        DType = dtype;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)ByteLength, 64);
    }

    /// <summary>Copies a row-major matrix (raw little-endian elements) into a new weight matrix.</summary>
    public static WeightMatrix Pack(ReadOnlySpan<byte> rowMajor, TensorDType dtype, int rows, int cols)
    {
        long expected = (long)rows * cols * dtype.SizeOf();
        if (rowMajor.Length != expected)
            throw new ArgumentException($"A [{rows}, {cols}] {dtype} matrix needs {expected} bytes, got {rowMajor.Length}.", nameof(rowMajor));
        var m = new WeightMatrix(rows, cols, dtype);
        rowMajor.CopyTo(new Span<byte>(m._data, checked((int)expected)));
        return m;
    }

    /// <summary>Widens row <paramref name="row"/> to f32 (used for embedding lookups).</summary>
    public void ReadRow(int row, Span<float> destination)
    {
        if ((uint)row >= (uint)Rows)
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside [0, {Rows}).");
        int size = DType.SizeOf();
        var bytes = new ReadOnlySpan<byte>(Data + (long)row * Cols * size, Cols * size);
        Convert.ToSingle(bytes, DType, destination[..Cols]);
    }

    /// <summary>Frees the native memory.</summary>
    public void Dispose()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }
}
