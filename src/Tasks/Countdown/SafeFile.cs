namespace Reasoning.Tasks.Countdown;

/// <summary>Writes files atomically: into a temporary file beside the target, then renamed over it.</summary>
public static class SafeFile
{
    /// <summary>Writes all lines produced by <paramref name="write"/>; on any error the target is left untouched.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false)))
            {
                writer.NewLine = "\n";
                write(writer);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, w => w.Write(text));
}
