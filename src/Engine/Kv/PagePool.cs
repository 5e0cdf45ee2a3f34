using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Models;

namespace Reasoning.Engine.Kv;

/// <summary>Element type of stored keys and values.</summary>
public enum KvDType
{
    /// <summary>f32: exact.</summary>
    F32,
    /// <summary>bf16: half the memory; keys and values rounded to 8 significant bits.</summary>
    BF16,
}

/// <summary>
/// All KV memory of one model: <see cref="PageCount"/> fixed-size pages allocated once, each holding
/// <see cref="PageSize"/> tokens of keys and values for every layer and KV head, reference counted.
/// Layout of page p: [layer][K|V][kvHead] blocks in <see cref="ElementType"/>, so one head's keys in a page are contiguous.
/// A value block is row-major, [slot][headDim]. A key block is chunk-major when the head width is a multiple of 16
/// (<see cref="KeysChunkMajor"/>): [chunk][slot][16], lanes 16c..16c+15 of every slot one after another, so attention
/// scoring 16 keys at a time reads the block in address order (row-major, it jumped back a row every 16 lanes, which
/// the hardware prefetcher follows poorly once the cache is outgrown). In a bf16 pool whose head width is a multiple of
/// 32 (<see cref="PairedBF16"/>) every 32 lanes of a head vector are stored as one 64-byte unit with lanes j and 16 + j
/// sharing a 32-bit word (j in the low half), so a kernel widens the unit to two f32 vectors with one shift and one
/// mask; keys are then [pair][slot][32], lanes 32p..32p+31 of every slot one after another. Not thread-safe: the
/// engine loop owns it.
/// </summary>
public sealed unsafe class PagePool : IDisposable
{
    private byte* _memory;
    private readonly int[] _refCounts;
    private readonly Stack<int> _free;
    private readonly long _pageFloats;
    private readonly int _headFloats;

    /// <summary>Tokens per page.</summary>
    public int PageSize { get; }
    /// <summary>Total pages.</summary>
    public int PageCount { get; }
    /// <summary>Pages not referenced by anything.</summary>
    public int FreeCount => _free.Count;
    /// <summary>Transformer layers stored per page.</summary>
    public int Layers { get; }
    /// <summary>KV heads stored per layer.</summary>
    public int KvHeads { get; }
    /// <summary>Width of one head.</summary>
    public int HeadDim { get; }
    /// <summary>Element type of the stored keys and values.</summary>
    public KvDType ElementType { get; }
    /// <summary>Whether key blocks are chunk-major ([chunk][slot][16]); otherwise they are row-major like values.</summary>
    public bool KeysChunkMajor => HeadDim % 16 == 0;
    /// <summary>
    /// Whether this bf16 pool stores each 32 lanes as one interleaved unit (see the class remarks), the layout the fused
    /// bf16 attention kernels read. False for f32 pools and for heads whose width is not a multiple of 32.
    /// </summary>
    public bool PairedBF16 => ElementType == KvDType.BF16 && HeadDim % 32 == 0;
    /// <summary>Bytes of KV memory per token.</summary>
    public long BytesPerToken => (long)Layers * 2 * KvHeads * HeadDim * ElementSize;
    private int ElementSize => ElementType == KvDType.F32 ? 4 : 2;

    /// <summary>Allocates <paramref name="pageCount"/> pages of <paramref name="pageSize"/> tokens for a model of shape <paramref name="config"/>.</summary>
    public PagePool(ModelConfig config, int pageCount, int pageSize = 16, KvDType elementType = KvDType.F32)
    {
        ElementType = elementType;
        ArgumentOutOfRangeException.ThrowIfLessThan(pageCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        PageSize = pageSize;
        PageCount = pageCount;
        Layers = config.NumLayers;
        KvHeads = config.NumKvHeads;
        HeadDim = config.HeadDim;
        _headFloats = pageSize * HeadDim;
        _pageFloats = (long)Layers * 2 * KvHeads * _headFloats;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(_pageFloats * pageCount * ElementSize), 64);
        _refCounts = new int[pageCount];
        _free = new Stack<int>(Enumerable.Range(0, pageCount).Reverse());
    }

    /// <summary>Creates a pool that fits in <paramref name="bytes"/> of memory.</summary>
    public static PagePool WithMemory(ModelConfig config, long bytes, int pageSize = 16, KvDType elementType = KvDType.F32)
    {
        long perPage = (long)config.NumLayers * 2 * config.NumKvHeads * config.HeadDim * (elementType == KvDType.F32 ? 4 : 2) * pageSize;
        long pages = bytes / perPage;
        if (pages < 1)
            throw new KvCacheExhaustedException($"{bytes} bytes of KV memory hold not even one page of {pageSize} tokens ({perPage} bytes); give more KV memory.");
        return new PagePool(config, (int)Math.Min(pages, int.MaxValue / 2), pageSize, elementType);
    }

    /// <summary>Takes a free page (reference count 1).</summary>
    /// <exception cref="KvCacheExhaustedException">No page is free.</exception>
    public int Allocate()
    {
        if (!_free.TryPop(out int page))
            throw new KvCacheExhaustedException($"the KV cache is full: all {PageCount} pages of {PageSize} tokens are in use. Give the engine more KV memory (--kv-memory) or run fewer sequences at once.");
        _refCounts[page] = 1;
        return page;
    }

    /// <summary>Adds a reference to a page in use.</summary>
    public void AddRef(int page)
    {
        if (_refCounts[page] <= 0)
            throw new InvalidOperationException($"Page {page} is free; it cannot gain a reference.");
        _refCounts[page]++;
    }

    /// <summary>Drops a reference; the page returns to the free list at zero.</summary>
    public void Release(int page)
    {
        if (_refCounts[page] <= 0)
            throw new InvalidOperationException($"Page {page} is already free (double release).");
        if (--_refCounts[page] == 0)
            _free.Push(page);
    }

    /// <summary>References held on a page.</summary>
    public int RefCount(int page) => _refCounts[page];

    /// <summary>
    /// The keys (<paramref name="value"/> false) or values of one head of one layer in a page, PageSize × HeadDim floats
    /// in the stored layout (keys chunk-major when <see cref="KeysChunkMajor"/>). Only for f32 pools; use
    /// <see cref="Write"/> and <see cref="Read"/> for any element type.
    /// </summary>
    public Span<float> Head(int page, int layer, bool value, int kvHead)
    {
        if (ElementType != KvDType.F32)
            throw new InvalidOperationException("Head() views f32 pages; this pool stores bf16 — use Read and Write.");
        return new((float*)HeadPointer(page, layer, value, kvHead), _headFloats);
    }

    /// <summary>
    /// The stored bf16 bits of one head of one layer in a page (see <see cref="PairedBF16"/> for the layout); for the
    /// attention kernels, which read it without widening it first. Only for bf16 pools.
    /// </summary>
    internal ushort* BF16Head(int page, int layer, bool value, int kvHead) =>
        ElementType == KvDType.BF16 ? (ushort*)HeadPointer(page, layer, value, kvHead)
            : throw new InvalidOperationException("BF16Head() points into bf16 pages; this pool stores f32 — use Head.");

    private byte* HeadPointer(int page, int layer, bool value, int kvHead) =>
        _memory + (page * _pageFloats + ((long)(layer * 2 + (value ? 1 : 0)) * KvHeads + kvHead) * _headFloats) * ElementSize;

    /// <summary>Stores one head vector at <paramref name="slot"/> (rounded to bf16 in a bf16 pool).</summary>
    public void Write(int page, int layer, bool value, int kvHead, int slot, ReadOnlySpan<float> vector)
    {
        if (vector.Length < HeadDim)
            throw new ArgumentException($"a head vector has {HeadDim} floats; got {vector.Length}.", nameof(vector));
        byte* head = HeadPointer(page, layer, value, kvHead);
        if (PairedBF16)
        {
            // Values: the slot's units one after another; keys: unit p of every slot in plane p.
            for (int p = 0; p < HeadDim / 32; p++)
                StorePaired(vector.Slice(p * 32, 32), (ushort*)head + (value ? (long)slot * HeadDim + p * 32 : ((long)p * PageSize + slot) * 32));
            return;
        }
        if (value || !KeysChunkMajor)
            Store(vector[..HeadDim], head + (long)slot * HeadDim * ElementSize);
        else
            for (int c = 0; c < HeadDim / 16; c++)
                Store(vector.Slice(c * 16, 16), head + ((long)c * PageSize + slot) * 16 * ElementSize);
    }

    /// <summary>Rounds 32 lanes to bf16 as one interleaved unit, in the layout of a packed bf16 weight chunk.</summary>
    private static void StorePaired(ReadOnlySpan<float> lanes, ushort* unit)
    {
        for (int i = 0; i < 32; i++)
            unit[WeightMatrix.InterleavedIndex(i)] = Kernels.Convert.SingleToBF16(lanes[i]);
    }

    /// <summary>Widens one interleaved unit back to its 32 lanes in order (exact), as the matrix kernels widen a weight chunk.</summary>
    private static void LoadPaired(ushort* unit, Span<float> lanes)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var upper = Vector256.Create(0xFFFF0000u);
            for (int half = 0; half < 2; half++)
            {
                BF16Chunk.WidenHalf((byte*)unit, half, upper, out var low, out var high);
                low.CopyTo(lanes.Slice(8 * half, 8));
                high.CopyTo(lanes.Slice(16 + 8 * half, 8));
            }
            return;
        }
        for (int i = 0; i < 32; i++)
            lanes[i] = Kernels.Convert.BF16ToSingle(unit[WeightMatrix.InterleavedIndex(i)]);
    }

    private void Store(ReadOnlySpan<float> source, byte* at)
    {
        if (ElementType == KvDType.F32)
            source.CopyTo(new Span<float>(at, source.Length));
        else
            Kernels.Convert.ToBF16(source, new Span<ushort>(at, source.Length));
    }

    private void Load(byte* at, Span<float> destination)
    {
        if (ElementType == KvDType.F32)
            new ReadOnlySpan<float>(at, destination.Length).CopyTo(destination);
        else
            Kernels.Convert.FromBF16(new ReadOnlySpan<ushort>(at, destination.Length), destination);
    }

    /// <summary>
    /// Widens the first <paramref name="slots"/> vectors of one head of a page into <paramref name="destination"/>, in
    /// the stored layout: [slots, HeadDim] for values and row-major keys; for chunk-major keys each chunk's first
    /// <paramref name="slots"/> entries at their stored offsets (destination then spans PageSize × HeadDim floats).
    /// </summary>
    public void Read(int page, int layer, bool value, int kvHead, int slots, Span<float> destination)
    {
        byte* head = HeadPointer(page, layer, value, kvHead);
        if (PairedBF16)
        {
            // Into the f32 layout: values [slot][HeadDim], keys [chunk][slot][16] (unit p holds chunks 2p and 2p + 1).
            Span<float> lanes = stackalloc float[32];
            for (int slot = 0; slot < slots; slot++)
                for (int p = 0; p < HeadDim / 32; p++)
                {
                    if (value)
                    {
                        LoadPaired((ushort*)head + (long)slot * HeadDim + p * 32, destination.Slice(slot * HeadDim + p * 32, 32));
                        continue;
                    }
                    LoadPaired((ushort*)head + ((long)p * PageSize + slot) * 32, lanes);
                    lanes[..16].CopyTo(destination.Slice((2 * p * PageSize + slot) * 16, 16));
                    lanes[16..].CopyTo(destination.Slice(((2 * p + 1) * PageSize + slot) * 16, 16));
                }
            return;
        }
        if (value || !KeysChunkMajor)
            Load(head, destination[..(slots * HeadDim)]);
        else
            for (int c = 0; c < HeadDim / 16; c++)
                Load(head + (long)c * PageSize * 16 * ElementSize, destination.Slice(c * PageSize * 16, slots * 16));
    }

    /// <summary>Copies the first <paramref name="slots"/> tokens of every layer and head from one page to another.</summary>
    public void CopySlots(int from, int to, int slots)
    {
        // Keys are stored one plane per unit of lanes: 16-lane chunks, or 32-lane paired units in a paired bf16 pool.
        int unitLanes = PairedBF16 ? 32 : 16;
        int bytes = slots * HeadDim * ElementSize, unitBytes = slots * unitLanes * ElementSize, plane = PageSize * unitLanes * ElementSize;
        for (int l = 0; l < Layers; l++)
            for (int kv = 0; kv < 2; kv++)
                for (int h = 0; h < KvHeads; h++)
                {
                    byte* source = HeadPointer(from, l, kv == 1, h), target = HeadPointer(to, l, kv == 1, h);
                    if (kv == 1 || !KeysChunkMajor)
                        new ReadOnlySpan<byte>(source, bytes).CopyTo(new Span<byte>(target, bytes));
                    else
                        for (int c = 0; c < HeadDim / unitLanes; c++)
                            new ReadOnlySpan<byte>(source + c * plane, unitBytes).CopyTo(new Span<byte>(target + c * plane, unitBytes));
                }
    }

    /// <summary>Frees the memory. Pages still referenced are a leak in the caller.</summary>
    public void Dispose()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }
}
