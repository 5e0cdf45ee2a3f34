using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Safetensors;

/// <summary>
/// The weights of a model folder: one <c>model.safetensors</c>, or the shards listed by
/// <c>model.safetensors.index.json</c>. Tensors are looked up by name and checked against the shape a caller expects.
/// </summary>
public sealed class WeightStore : IDisposable
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, (TensorInfo Info, SafetensorsFile File)> _byName = new(StringComparer.Ordinal);

    /// <summary>The folder the weights were read from.</summary>
    public string Directory { get; }

    /// <summary>Every tensor name across all files.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    private WeightStore(string directory, List<SafetensorsFile> files)
    {
        Directory = directory;
        _files = files;
        foreach (var file in files)
            foreach (var (name, info) in file.Tensors)
                _byName[name] = (info, file);
    }

    /// <summary>Opens the safetensors weights of a Hugging Face model folder.</summary>
    public static WeightStore Open(string directory)
    {
        string single = Path.Combine(directory, "model.safetensors");
        string index = Path.Combine(directory, "model.safetensors.index.json");
        var files = new List<SafetensorsFile>();
        try
        {
            if (File.Exists(single))
                files.Add(SafetensorsFile.Open(single));
            else if (File.Exists(index))
                foreach (var shard in ReadShardNames(index))
                    files.Add(SafetensorsFile.Open(Path.Combine(directory, shard)));
            else
                throw new ModelFormatException(single, "file not found, and no model.safetensors.index.json either: the folder holds no safetensors weights.");
            return new WeightStore(directory, files);
        }
        catch
        {
            foreach (var f in files)
                f.Dispose();
            throw;
        }
    }

    private static IReadOnlyList<string> ReadShardNames(string indexPath)
    {
        try
        {
            var text = File.ReadAllText(indexPath);
            if (JsonText.FindTextError(System.Text.Encoding.UTF8.GetBytes(text)) is { } textError)
                throw new ModelFormatException(indexPath, textError);
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(indexPath, "has no 'weight_map' object mapping tensor names to shard files.");
            var shards = new List<string>();
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 } shard)
                    throw new ModelFormatException(indexPath, $"is mapped to {p.Value.GetRawText()}; expected the file name of a shard, such as \"model-00001-of-00002.safetensors\".", p.Name);
                if (shard.Contains('/') || shard.Contains('\\') || shard.Contains(".."))
                    throw new ModelFormatException(indexPath, $"names shard '{shard}', which is not a plain file name.", p.Name);
                if (!shards.Contains(shard))
                    shards.Add(shard);
            }
            return shards;
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(indexPath, $"is not valid JSON ({e.Message}).", inner: e);
        }
    }

    /// <summary>Whether a tensor of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor and checks its shape.</summary>
    /// <exception cref="ModelFormatException">It is missing or its shape differs from <paramref name="expectedShape"/>.</exception>
    public TensorInfo Get(string name, params long[] expectedShape)
    {
        if (!_byName.TryGetValue(name, out var entry))
            throw new ModelFormatException(DescribeFiles(), $"is missing; the config implies it must exist with shape [{string.Join(", ", expectedShape)}].", name);
        var info = entry.Info;
        if (!info.Shape.SequenceEqual(expectedShape))
            throw new ModelFormatException(info.FilePath, $"has shape {info.ShapeText}, config expects [{string.Join(", ", expectedShape)}].", name);
        return info;
    }

    /// <summary>The raw bytes of a tensor, viewed in the memory mapping.</summary>
    public ReadOnlySpan<byte> GetBytes(TensorInfo info) => _byName[info.Name].File.GetBytes(info);

    /// <summary>A tensor's values widened to f32 (for small tensors: norms, biases).</summary>
    public float[] ReadFloats(TensorInfo info)
    {
        var result = new float[info.ElementCount];
        Kernels.Convert.ToSingle(GetBytes(info), info.DType, result);
        return result;
    }

    private string DescribeFiles() =>
        _files.Count == 1 ? _files[0].FilePath : Path.Combine(Directory, "model.safetensors.index.json");

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var f in _files)
            f.Dispose();
    }
}
