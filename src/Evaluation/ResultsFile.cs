using System.Text;
using System.Text.Json.Nodes;

namespace Reasoning.Evaluation;

/// <summary>
/// A JSONL file of per-item results that survives being killed: each record is one line, written with a single
/// append and flushed to disk before the next item starts. On resume, a torn last line (the process died mid-write)
/// is cut off and the items already recorded are skipped, so nothing is lost or duplicated.
/// </summary>
public sealed class ResultsFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly Lock _lock = new();

    /// <summary>The records already in the file, by item index.</summary>
    public IReadOnlyDictionary<int, JsonObject> Existing { get; }

    private ResultsFile(FileStream stream, Dictionary<int, JsonObject> existing)
    {
        _stream = stream;
        Existing = existing;
    }

    /// <summary>Opens <paramref name="path"/>: resumes it (<paramref name="resume"/>) or starts it afresh.</summary>
    public static ResultsFile Open(string path, bool resume)
    {
        var existing = new Dictionary<int, JsonObject>();
        if (!resume || !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return new ResultsFile(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), existing);
        }
        var bytes = File.ReadAllBytes(path);
        int validLength = 0;
        int lineStart = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n')
                continue;
            string line = Encoding.UTF8.GetString(bytes, lineStart, i - lineStart);
            if (TryRecord(line) is { } record)
            {
                existing[record["index"]!.GetValue<int>()] = record;
                validLength = i + 1;
            }
            else
            {
                break;
            }
            lineStart = i + 1;
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.SetLength(validLength);
        stream.Seek(validLength, SeekOrigin.Begin);
        return new ResultsFile(stream, existing);
    }

    private static JsonObject? TryRecord(string line)
    {
        try
        {
            return JsonNode.Parse(line) is JsonObject o && o["index"] is JsonValue v && v.TryGetValue<int>(out _) ? o : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The complete records of a results file (a torn last line is ignored), in file order.</summary>
    public static IReadOnlyList<JsonObject> Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"results file '{path}' does not exist; write it with 'reason eval countdown --out {path}'.", path);
        var records = new List<JsonObject>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
                continue;
            if (TryRecord(line) is not { } record)
                break;
            records.Add(record);
        }
        return records;
    }

    /// <summary>Appends one record (it must hold an integer "index") and flushes it to disk; safe from several threads.</summary>
    public void Append(JsonObject record)
    {
        if (record["index"] is null)
            throw new ArgumentException("A result record needs an \"index\".", nameof(record));
        var bytes = Encoding.UTF8.GetBytes(record.ToJsonString() + "\n");
        lock (_lock)
        {
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _stream.Dispose();
}
