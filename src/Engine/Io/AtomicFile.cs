namespace Reasoning.Engine.Io;

/// <summary>
/// Writes a file atomically: into a temporary file beside the target, then renamed over it. A reader sees the old
/// file or the whole new one, and a failed or killed write leaves no partial target behind.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes the bytes <paramref name="write"/> puts on the stream; on any error the target is left untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes the text <paramref name="write"/> puts on a UTF-8 writer (no BOM, "\n" line ends) atomically.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        write(writer);
    });

    /// <summary>Writes <paramref name="text"/> atomically.</summary>
    public static void WriteText(string path, string text) => WriteText(path, w => w.Write(text));
}
