using Reasoning.Engine.Io;
using System.Text;
using System.Text.Json;

namespace Reasoning.Engine.Safetensors;

/// <summary>One tensor to write: name, dtype, shape and its raw little-endian bytes.</summary>
public sealed record TensorToWrite(string Name, TensorDType DType, long[] Shape, byte[] Data);

/// <summary>
/// Writes safetensors files. The file is written to a temporary name beside the target and renamed at the end,
/// so a crash or a cancellation never leaves a partial file under the real name.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes the tensors (sorted by name, as Hugging Face does) to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is not null)
            header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var t in sorted)
        {
            long expected = t.Shape.Aggregate(1L, (a, b) => a * b) * t.DType.SizeOf();
            if (t.Data.LongLength != expected)
                throw new ArgumentException($"Tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] of {t.DType} needs {expected} bytes, got {t.Data.LongLength}.");
            header[t.Name] = new Dictionary<string, object>
            {
                ["dtype"] = t.DType.ToSafetensorsName(),
                ["shape"] = t.Shape,
                ["data_offsets"] = new[] { offset, offset + t.Data.LongLength },
            };
            offset += t.Data.LongLength;
        }
        byte[] json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;   // keep the data 8-byte aligned, as the reference writer does
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);

        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)padded));
            stream.Write(headerBytes);
            foreach (var t in sorted)
                stream.Write(t.Data);
        });
    }
}
