using System.Security.Cryptography;

namespace Reasoning.Cli;

/// <summary>SHA-256 fingerprints that tell whether two evaluations ran on the same problems and the same model.</summary>
internal static class ContentHash
{
    /// <summary>The SHA-256 of a file, in lower-case hex.</summary>
    public static string File(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The SHA-256 of a model folder: its config.json, tokenizer.json and every .safetensors file, in name order, each
    /// preceded by its name (so moving bytes from one file to another changes the hash).
    /// </summary>
    public static string Model(string dir)
    {
        var files = Directory.EnumerateFiles(dir, "*.safetensors").Append(Path.Combine(dir, "config.json")).Append(Path.Combine(dir, "tokenizer.json"))
            .Where(System.IO.File.Exists).Select(Path.GetFullPath).Distinct().OrderBy(Path.GetFileName, StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            using var stream = System.IO.File.OpenRead(file);
            for (int n; (n = stream.Read(buffer)) > 0;)
                hash.AppendData(buffer, 0, n);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
