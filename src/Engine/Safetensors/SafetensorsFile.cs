using System.IO.MemoryMappedFiles;
using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Safetensors;

/// <summary>
/// A memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. Nothing is copied at open; <see cref="GetBytes"/> returns views
/// of the mapping. Every inconsistency (header past the end of the file, truncated data, a dtype the engine does not
/// support, ranges that disagree with shapes) raises <see cref="ModelFormatException"/> naming the file and tensor.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly Dictionary<string, TensorInfo> _tensors;

    /// <summary>The file's path.</summary>
    public string FilePath { get; }

    /// <summary>The tensors it holds, by name.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePtr, Dictionary<string, TensorInfo> tensors)
    {
        FilePath = path;
        _map = map;
        _view = view;
        _base = basePtr;
        _tensors = tensors;
    }

    /// <summary>Maps a safetensors file and validates its header against its length.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
            throw new ModelFormatException(path, "file not found.");
        long length = new FileInfo(path).Length;
        if (length < 8)
            throw new ModelFormatException(path, $"is {length} bytes long; a safetensors file starts with an 8-byte header length. The file is truncated or not safetensors.");

        MemoryMappedFile map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* basePtr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
            basePtr += view.PointerOffset;
            var tensors = ParseHeader(path, basePtr, length);
            return new SafetensorsFile(path, map, view, basePtr, tensors);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            map.Dispose();
            throw;
        }
    }

    private static Dictionary<string, TensorInfo> ParseHeader(string path, byte* basePtr, long length)
    {
        ulong headerLength = *(ulong*)basePtr;
        if (headerLength > (ulong)(length - 8))
            throw new ModelFormatException(path, $"header claims {headerLength} bytes but the file has only {length - 8} after the length field; the file is truncated or not safetensors.");
        if (headerLength > 100_000_000)
            throw new ModelFormatException(path, $"header of {headerLength} bytes is implausibly large; the file is not safetensors.");
        var headerBytes = new ReadOnlySpan<byte>(basePtr + 8, (int)headerLength);
        long dataStart = 8 + (long)headerLength;
        long dataLength = length - dataStart;

        if (JsonText.FindTextError(headerBytes, offsetInFile: 8) is { } textError)
            throw new ModelFormatException(path, $"header {textError}");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes.ToArray());
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"header is not valid JSON ({e.Message}).", inner: e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(path, "header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}.");
            var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                    continue;
                var info = ParseEntry(path, entry, dataStart, dataLength);
                tensors[info.Name] = info;
            }
            return tensors;
        }
    }

    private static TensorInfo ParseEntry(string path, JsonProperty entry, long dataStart, long dataLength)
    {
        string name = entry.Name;
        var e = entry.Value;
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String
            || !e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array
            || !e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new ModelFormatException(path, "has a header entry without dtype, shape and data_offsets [begin, end].", name);

        string dtypeName = dtypeEl.GetString()!;
        var dtype = TensorDTypes.TryParse(dtypeName)
            ?? throw new ModelFormatException(path, $"has dtype {dtypeName}; the engine reads F32, BF16 and F16 weights. Convert the model to one of them.", name);
        var shape = new List<long>();
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new ModelFormatException(path, $"has an invalid shape {shapeEl.GetRawText()}.", name);
            shape.Add(dim);
        }
        long begin = Offset(offEl[0]);
        long end = Offset(offEl[1]);
        if (begin < 0 || end < begin)
            throw new ModelFormatException(path, $"has invalid data_offsets {offEl.GetRawText()}; expected two byte offsets [begin, end] with 0 <= begin <= end.", name);
        long expected = ByteCount(shape, dtype.SizeOf())
            ?? throw new ModelFormatException(path, $"has shape [{string.Join(", ", shape)}], too large to be real: the header is damaged.", name);
        if (end - begin != expected)
            throw new ModelFormatException(path, $"has shape [{string.Join(", ", shape)}] of {dtypeName} ({expected} bytes) but data_offsets span {end - begin} bytes.", name);
        if (end > dataLength)
            throw new ModelFormatException(path, $"data ends at byte {end} of the data section but the file holds only {dataLength} bytes of data: the file is truncated. Download or copy it again.", name);
        return new TensorInfo(name, dtype, shape, dataStart + begin, end - begin, path);
    }

    /// <summary>A data offset, or -1 when the value is not a non-negative integer (a string, a fraction, a huge number).</summary>
    private static long Offset(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) ? v : -1;

    /// <summary>The bytes a tensor of this shape takes, or null when the product overflows a long.</summary>
    private static long? ByteCount(List<long> shape, long elementSize)
    {
        long bytes = elementSize;
        foreach (long dim in shape)
        {
            if (dim != 0 && bytes > long.MaxValue / dim)
                return null;
            bytes *= dim;
        }
        return bytes;
    }

    /// <summary>The raw bytes of a tensor, as stored (little-endian), viewed in the mapping.</summary>
    public ReadOnlySpan<byte> GetBytes(TensorInfo tensor)
    {
        if (tensor.FilePath != FilePath)
            throw new ArgumentException($"Tensor '{tensor.Name}' belongs to {tensor.FilePath}, not {FilePath}.", nameof(tensor));
        if (tensor.ByteLength > int.MaxValue)
            throw new ModelFormatException(FilePath, $"is {tensor.ByteLength} bytes; tensors over 2 GiB are not supported.", tensor.Name);
        return new ReadOnlySpan<byte>(_base + tensor.DataOffset, (int)tensor.ByteLength);
    }

    /// <summary>Unmaps the file. Spans obtained earlier must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
