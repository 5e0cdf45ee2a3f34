using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// A weight matrix W of shape [Rows, Cols] (out features × in features, as PyTorch stores linear layers), kept in
/// its stored dtype in native memory in the layout <see cref="MatMul"/> streams best. It is built once at load from
/// the row-major bytes of a safetensors tensor; it is never widened to f32 as a whole.
/// </summary>
/// <remarks>
/// Layout: output rows are grouped in blocks of <see cref="BlockRows"/>; a block stores, for each 64-byte chunk of k
/// in turn, that chunk of each of its 8 rows. A GEMV therefore reads memory strictly forward, one 512-byte line
/// group at a time, while keeping 8 independent accumulators busy. Rows are padded to a multiple of 8 and columns
/// to a whole chunk with zeros, so the kernels never need a tail. In a 16-bit chunk (32 elements) the two halves
/// are interleaved — element i sits in the low half of 32-bit lane i and element 16 + i in the high half — so that
/// widening to f32 is one shift (low half) and one mask (high half), with no shuffles.
/// </remarks>
public sealed unsafe class WeightMatrix : IDisposable
{
    /// <summary>Output rows interleaved in one block.</summary>
    public const int BlockRows = 8;

    /// <summary>Bytes of one row's chunk: one cache line, one Vector512.</summary>
    internal const int ChunkBytes = 64;

    private byte* _data;

    /// <summary>Output features.</summary>
    public int Rows { get; }

    /// <summary>Input features.</summary>
    public int Cols { get; }

    /// <summary>Element type as stored.</summary>
    public TensorDType DType { get; }

    /// <summary>Elements of one row in one chunk: 16 for f32, 32 for bf16 and f16.</summary>
    internal int ChunkElements { get; }

    /// <summary>Columns rounded up to whole chunks (the zero padding is part of the stored layout).</summary>
    internal int PaddedCols { get; }

    /// <summary>Blocks of <see cref="BlockRows"/> output rows (the last may be padded with zero rows).</summary>
    internal int Blocks { get; }

    /// <summary>Bytes of one block: <see cref="BlockRows"/> × <see cref="PaddedCols"/> elements.</summary>
    internal long BlockBytes => (long)BlockRows * PaddedCols * DType.SizeOf();

    /// <summary>Bytes of native memory held (including the padding to whole blocks and chunks).</summary>
    public long ByteLength => Blocks * BlockBytes;

    internal byte* Data => _data != null ? _data : throw new ObjectDisposedException(nameof(WeightMatrix));

    private WeightMatrix(int rows, int cols, TensorDType dtype)
    {
        Rows = rows;
        Cols = cols;
        DType = dtype;
        ChunkElements = ChunkBytes / dtype.SizeOf();
        PaddedCols = (cols + ChunkElements - 1) / ChunkElements * ChunkElements;
        Blocks = (rows + BlockRows - 1) / BlockRows;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(ByteLength, 64), 64);
        NativeMemory.Clear(_data, (nuint)ByteLength);
    }

    /// <summary>Copies a row-major matrix (raw little-endian elements) into a new weight matrix, repacking it into blocks.</summary>
    /// <remarks>Optimised at once: it runs once per matrix, so tiered compilation would leave it in slow tier-0 code.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static WeightMatrix Pack(ReadOnlySpan<byte> rowMajor, TensorDType dtype, int rows, int cols)
    {
        long expected = (long)rows * cols * dtype.SizeOf();
        if (rowMajor.Length != expected)
            throw new ArgumentException($"A [{rows}, {cols}] {dtype} matrix needs {expected} bytes, got {rowMajor.Length}.", nameof(rowMajor));
        var m = new WeightMatrix(rows, cols, dtype);
        int size = dtype.SizeOf(), rowBytes = cols * size, whole = cols / m.ChunkElements;
        bool permute = size == 2 && Avx512BW.IsSupported;
        var order = InterleaveOrder;
        fixed (byte* source = rowMajor)
            for (int o = 0; o < rows; o++)
            {
                byte* from = source + (long)o * rowBytes;
                byte* to = m.ChunkPointer(o, 0);
                int c = 0;
                // Whole chunks: one 64-byte load and store each (a 16-bit chunk permuted into its interleaved order).
                for (; c < whole && (size == 4 || permute); c++, from += ChunkBytes, to += BlockRows * ChunkBytes)
                {
                    if (size == 4)
                        Vector512.Load(from).Store(to);
                    else
                        Avx512BW.PermuteVar32x16(Vector512.Load((ushort*)from), order).Store((ushort*)to);
                }
                for (; c * m.ChunkElements < cols; c++)
                {
                    int first = c * m.ChunkElements, count = Math.Min(m.ChunkElements, cols - first);
                    var chunk = new Span<byte>(m.ChunkPointer(o, c), ChunkBytes);
                    var part = rowMajor.Slice(o * rowBytes + first * size, count * size);
                    if (size == 4)
                        part.CopyTo(chunk);
                    else
                        InterleaveHalves(MemoryMarshal.Cast<byte, ushort>(part), MemoryMarshal.Cast<byte, ushort>(chunk));
                }
            }
        return m;
    }

    /// <summary>Widens row <paramref name="row"/> to f32 (used for embedding lookups): exactly the stored row.</summary>
    public void ReadRow(int row, Span<float> destination)
    {
        if ((uint)row >= (uint)Rows)
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside [0, {Rows}).");
        if (destination.Length < Cols)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {Cols} needed.", nameof(destination));
        Span<ushort> halves = stackalloc ushort[32];
        for (int c = 0; c * ChunkElements < Cols; c++)
        {
            int first = c * ChunkElements, count = Math.Min(ChunkElements, Cols - first);
            byte* chunk = ChunkPointer(row, c);
            var target = destination.Slice(first, count);
            if (DType == TensorDType.F32)
            {
                new ReadOnlySpan<float>(chunk, count).CopyTo(target);
                continue;
            }
            var stored = new ReadOnlySpan<ushort>(chunk, 32);
            for (int i = 0; i < count; i++)
                halves[i] = stored[InterleavedIndex(i)];
            Convert.ToSingle(MemoryMarshal.AsBytes(halves[..count]), DType, target);
        }
    }

    /// <summary>Address of chunk <paramref name="chunk"/> of output row <paramref name="row"/>.</summary>
    private byte* ChunkPointer(int row, int chunk) =>
        Data + (row / BlockRows) * BlockBytes + ((long)chunk * BlockRows + row % BlockRows) * ChunkBytes;

    /// <summary>
    /// Where element i of a 32-element 16-bit chunk is stored: low half of lane i, or high half of lane i − 16. A bf16
    /// KV pool stores its units the same way (<see cref="Kv.PagePool.PairedBF16"/>), so both widen with <see cref="BF16Chunk"/>.
    /// </summary>
    internal static int InterleavedIndex(int i) => i < 16 ? 2 * i : 2 * (i - 16) + 1;

    /// <summary>
    /// Chunk lane → source element: even lanes take elements 0–15, odd lanes 16–31 (see <see cref="InterleavedIndex"/>).
    /// A constant, not a static readonly field: see <see cref="Reductions"/> on class initialisation in kernels.
    /// </summary>
    private static Vector512<ushort> InterleaveOrder => Vector512.Create(
        (ushort)0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

    private static void InterleaveHalves(ReadOnlySpan<ushort> source, Span<ushort> chunk)
    {
        for (int i = 0; i < source.Length; i++)
            chunk[InterleavedIndex(i)] = source[i];
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
