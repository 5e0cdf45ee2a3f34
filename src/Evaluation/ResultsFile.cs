using System.Text;
using System.Text.Json.Nodes;

namespace Reasoning.Evaluation;

/// <summary>How <see cref="ResultsFile.Open"/> treats a file that already holds results.</summary>
public enum ResultsFileMode
{
    /// <summary>Start a new file; a file that already holds results is refused, never touched.</summary>
    New,
    /// <summary>Keep the records already there (after checking they were written with the same settings) and add the rest.</summary>
    Resume,
    /// <summary>Replace whatever the file holds.</summary>
    Overwrite,
}

/// <summary>A line of a results file that is not a record, kept aside rather than dropped.</summary>
/// <param name="Line">Its 1-based line number in the file as it was read.</param>
/// <param name="Text">The line as written.</param>
/// <param name="Why">Why it is not a record (not JSON, no index, torn by a kill, a duplicate).</param>
public sealed record RejectedLine(int Line, string Text, string Why);

/// <summary>What a results file holds.</summary>
/// <param name="Settings">The settings its header records; for a file written before headers, null.</param>
/// <param name="Records">Its records, in file order.</param>
/// <param name="Rejected">The lines that are not records.</param>
public sealed record ResultsContents(JsonObject? Settings, IReadOnlyList<JsonObject> Records, IReadOnlyList<RejectedLine> Rejected);

/// <summary>
/// A JSONL file of per-item results that never loses data. Its first line records the settings that make its records
/// comparable (<c>{"reason_results":1,"settings":{..},"about":{..}}</c>); every other line is one record, written with a
/// single append and flushed to disk before the next item starts. While open, a lock file (<c>PATH.lock</c>, held with
/// <see cref="FileShare.None"/>) keeps a second writer out. An existing file is changed only when asked: resuming checks
/// the settings first and refuses a mismatch, and lines that are not records (garbage, a line torn by a kill) are moved
/// to <c>PATH.rejected</c> and reported, never silently dropped. Files written before the header resume too: their
/// settings are read from their records.
/// </summary>
public sealed class ResultsFile : IDisposable
{
    /// <summary>The key that marks the header line; its value is the format version.</summary>
    public const string HeaderKey = "reason_results";

    /// <summary>The format version written in the header.</summary>
    public const int FormatVersion = 1;

    private readonly FileStream _stream;
    private readonly FileStream _lockFile;
    private readonly string _lockPath;
    private readonly Lock _lock = new();

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The records already in the file, by item index.</summary>
    public IReadOnlyDictionary<int, JsonObject> Existing { get; }

    /// <summary>The lines found that were not records; they are now in <see cref="RejectedPath"/>.</summary>
    public IReadOnlyList<RejectedLine> Rejected { get; }

    /// <summary>Where rejected lines are kept (appended, one a line, as they were written).</summary>
    public string RejectedPath => Path + ".rejected";

    private ResultsFile(string path, FileStream stream, FileStream lockFile, string lockPath, Dictionary<int, JsonObject> existing, IReadOnlyList<RejectedLine> rejected)
    {
        Path = path;
        _stream = stream;
        _lockFile = lockFile;
        _lockPath = lockPath;
        Existing = existing;
        Rejected = rejected;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for writing, holding its lock until disposed.
    /// </summary>
    /// <param name="path">The results file.</param>
    /// <param name="settings">The settings that make records comparable (compared on resume, written in the header).</param>
    /// <param name="mode">What to do with a file that already holds results.</param>
    /// <param name="about">What else the header records (not compared): paths, the program's version.</param>
    /// <param name="checkRecord">On resume, says why an existing record does not belong to this evaluation (null: it does).</param>
    /// <exception cref="ResultsFileException">The file holds results and <paramref name="mode"/> is New; its settings or records do not match; another process writes it. The file is unchanged.</exception>
    public static ResultsFile Open(string path, JsonObject settings, ResultsFileMode mode, JsonObject? about = null, Func<JsonObject, string?>? checkRecord = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        string lockPath = path + ".lock";
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix) that the kernel drops if the process dies.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new ResultsFileException($"another process is writing {path} (it holds {lockPath}); wait for it to end, or write to another --out.");
        }
        try
        {
            return OpenLocked(path, settings, mode, about, checkRecord, lockFile, lockPath);
        }
        catch
        {
            Release(lockFile, lockPath);
            throw;
        }
    }

    private static ResultsFile OpenLocked(string path, JsonObject settings, ResultsFileMode mode, JsonObject? about, Func<JsonObject, string?>? checkRecord,
        FileStream lockFile, string lockPath)
    {
        var existing = new Dictionary<int, JsonObject>();
        byte[] bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
        bool blank = bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t');
        string header = Header(settings, about);
        if (blank || mode == ResultsFileMode.Overwrite)
            return Fresh();

        var contents = Parse(bytes);
        if (mode == ResultsFileMode.New)
            throw new ResultsFileException($"{path} already holds {Count(contents.Records.Count, "record")}; add --resume to continue it, --overwrite to replace it, or write to another --out.");

        var stored = contents.Settings ?? FromRecords(contents.Records, settings);
        var differences = settings.Where(kv => stored.ContainsKey(kv.Key) && !SameValue(stored[kv.Key], kv.Value))
            .Select(kv => $"{kv.Key} {Show(stored[kv.Key])} (this run: {Show(kv.Value)})").ToList();
        if (differences.Count > 0)
            throw new ResultsFileException($"{path} holds results of another evaluation: {string.Join(", ", differences)}. Resume with the same settings, write to another --out, or add --overwrite to replace it.");
        for (int i = 0; i < contents.Records.Count; i++)
        {
            var record = contents.Records[i];
            var off = settings.Where(kv => record.ContainsKey(kv.Key) && !SameValue(record[kv.Key], kv.Value)).Select(kv => $"{kv.Key} {Show(record[kv.Key])}").ToList();
            string? why = off.Count > 0 ? $"it has {string.Join(", ", off)}" : checkRecord?.Invoke(record);
            if (why is not null)
                throw new ResultsFileException($"{path}: record {Index(record)} does not belong to this evaluation ({why}). Resume with the same settings and problems, write to another --out, or add --overwrite to replace it.");
            existing[Index(record)] = record;
        }

        if (contents.Rejected.Count > 0)
        {
            using var aside = new FileStream(path + ".rejected", FileMode.Append, FileAccess.Write, FileShare.Read);
            aside.Write(Encoding.UTF8.GetBytes(string.Concat(contents.Rejected.Select(r => r.Text + "\n"))));
            aside.Flush(flushToDisk: true);
        }
        if (contents.Rejected.Count > 0 || contents.Settings is null)
        {
            // Rewritten beside the file and renamed over it, so a kill leaves either the old file or the new one.
            string temp = path + ".tmp";
            var text = new StringBuilder(header);
            foreach (var record in contents.Records)
                text.Append(record.ToJsonString()).Append('\n');
            using (var w = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                w.Write(Encoding.UTF8.GetBytes(text.ToString()));
                w.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        stream.Seek(0, SeekOrigin.End);
        return new ResultsFile(path, stream, lockFile, lockPath, existing, contents.Rejected);

        ResultsFile Fresh()
        {
            var s = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            s.Write(Encoding.UTF8.GetBytes(header));
            s.Flush(flushToDisk: true);
            return new ResultsFile(path, s, lockFile, lockPath, existing, []);
        }
    }

    /// <summary>Reads a results file of either form (with a header, or records only), collecting the lines that are not records.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ResultsContents Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"results file '{path}' does not exist; write it with 'reason eval countdown --out {path}'.", path);
        return Parse(File.ReadAllBytes(path));
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

    /// <summary>Closes the file and releases its lock.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        Release(_lockFile, _lockPath);
    }

    private static void Release(FileStream lockFile, string lockPath)
    {
        // Deleted while still held, so no other process can have locked this same file in between.
        try
        {
            File.Delete(lockPath);
        }
        catch (IOException)
        {
        }
        lockFile.Dispose();
    }

    private static string Header(JsonObject settings, JsonObject? about)
    {
        var header = new JsonObject { [HeaderKey] = FormatVersion, ["settings"] = settings.DeepClone() };
        if (about is not null)
            header["about"] = about.DeepClone();
        return header.ToJsonString() + "\n";
    }

    /// <summary>The settings of a file without a header: those of <paramref name="like"/> that its first record holds.</summary>
    private static JsonObject FromRecords(IReadOnlyList<JsonObject> records, JsonObject like)
    {
        var settings = new JsonObject();
        if (records.Count > 0)
            foreach (var (key, _) in like)
                if (records[0].TryGetPropertyValue(key, out var value))
                    settings[key] = value?.DeepClone();
        return settings;
    }

    private static ResultsContents Parse(byte[] bytes)
    {
        JsonObject? settings = null;
        var records = new List<JsonObject>();
        var rejected = new List<RejectedLine>();
        var seen = new HashSet<int>();
        int lineStart = 0, number = 0;
        bool anyContent = false;
        while (lineStart < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', lineStart);
            bool torn = end < 0;
            if (torn)
                end = bytes.Length;
            number++;
            string line = Encoding.UTF8.GetString(bytes, lineStart, end - lineStart).TrimEnd('\r');
            lineStart = end + 1;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            bool first = !anyContent;
            anyContent = true;
            JsonObject? node = null;
            try
            {
                node = JsonNode.Parse(line) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
            }
            if (torn)
                rejected.Add(new RejectedLine(number, line, "torn: the last line has no newline (the writer was killed mid-write)"));
            else if (node is null)
                rejected.Add(new RejectedLine(number, line, "not a JSON object"));
            else if (node.ContainsKey(HeaderKey))
            {
                if (first && node["settings"] is JsonObject s)
                    settings = s;
                else
                    rejected.Add(new RejectedLine(number, line, first ? "a header without settings" : "a header that is not the first line"));
            }
            else if (node["index"] is not JsonValue v || !v.TryGetValue<int>(out int index))
                rejected.Add(new RejectedLine(number, line, "no integer \"index\""));
            else if (!seen.Add(index))
                rejected.Add(new RejectedLine(number, line, $"a second record for index {index}"));
            else
                records.Add(node);
        }
        return new ResultsContents(settings, records, rejected);
    }

    private static int Index(JsonObject record) => record["index"]!.GetValue<int>();

    private static bool SameValue(JsonNode? a, JsonNode? b) => (a?.ToJsonString() ?? "null") == (b?.ToJsonString() ?? "null");

    private static string Show(JsonNode? value)
    {
        string text = value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? "null";
        return text.Length > 24 ? text[..12] + "…" : text;
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
}
