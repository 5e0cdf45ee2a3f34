using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Tests.Support;

namespace Reasoning.Engine.Tests.Jinja;

/// <summary>
/// @huggingface/jinja (JavaScript), the independent renderer the chat-template tests compare against: installed once
/// with the ordinary npm client (<c>npm ci</c> of the pinned reference/package-lock.json, which checks the package's
/// integrity hash) into <c>.cache/jinja-reference</c>, then run by node on reference/render-reference.mjs. Once
/// installed, no network is needed.
/// </summary>
public static class JinjaReference
{
    public const string Version = "0.5.11";

    /// <summary>The fixed clock both renderers use for strftime_now (Llama 3.2's "Today Date").</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 5, 9, 30, 0, TimeSpan.Zero);

    private static readonly object Gate = new();
    // The first failure (e.g. offline or no node): later tests fail at once with the same one-line message.
    private static string? _unavailable;

    public static string ScriptDirectory => Path.Combine(RepoPaths.Root, "tests", "Engine.Tests", "Jinja", "reference");

    public static string InstallDirectory => Path.Combine(RepoPaths.Root, ".cache", "jinja-reference");

    /// <summary>Renders every conversation of <paramref name="job"/> with every template; returns the script's results object.</summary>
    public static JsonObject Render(JsonObject job)
    {
        var install = EnsureInstalled();
        var work = Directory.CreateTempSubdirectory("jinja-reference-").FullName;
        try
        {
            var jobPath = Path.Combine(work, "job.json");
            var outPath = Path.Combine(work, "out.json");
            File.WriteAllText(jobPath, job.ToJsonString());
            Run("node", work, new Dictionary<string, string> { ["TZ"] = "UTC" },
                Path.Combine(ScriptDirectory, "render-reference.mjs"), install, jobPath, outPath);
            return JsonNode.Parse(File.ReadAllText(outPath))!.AsObject();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string EnsureInstalled()
    {
        lock (Gate)
        {
            var marker = Path.Combine(InstallDirectory, "node_modules", "@huggingface", "jinja", "package.json");
            if (File.Exists(marker) && JsonNode.Parse(File.ReadAllText(marker))?["version"]?.GetValue<string>() == Version)
                return InstallDirectory;
            if (_unavailable is not null)
                throw new InvalidOperationException(_unavailable);
            // Install beside the target and move it into place, so that a concurrent test run never sees half a folder.
            var staging = $"{InstallDirectory}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(staging);
            try
            {
                File.Copy(Path.Combine(ScriptDirectory, "package.json"), Path.Combine(staging, "package.json"));
                File.Copy(Path.Combine(ScriptDirectory, "package-lock.json"), Path.Combine(staging, "package-lock.json"));
                Run("npm", staging, null, "ci", "--loglevel=error", "--no-audit", "--no-fund", "--fetch-retries=0", "--fetch-timeout=30000");
                if (Directory.Exists(InstallDirectory))
                    Directory.Delete(InstallDirectory, recursive: true);
                Directory.Move(staging, InstallDirectory);
            }
            catch (IOException) when (File.Exists(marker))
            {
                // another test run installed it first
            }
            catch (InvalidOperationException e)
            {
                _unavailable = $"@huggingface/jinja {Version} could not be installed with npm, so the chat-template tests that compare against it cannot run (offline, or no node/npm?). Run `dotnet test` once with the npm registry reachable (it is then cached in {InstallDirectory}). First failure: {string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(2))}";
                throw new InvalidOperationException(_unavailable, e);
            }
            finally
            {
                if (Directory.Exists(staging))
                    Directory.Delete(staging, recursive: true);
            }
            return InstallDirectory;
        }
    }

    private static void Run(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The chat-template tests need Node.js and npm to run @huggingface/jinja, the reference renderer; install them (.ci/run does). ({e.Message})", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"`{program} {string.Join(' ', arguments)}` did not finish in 3 minutes");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"`{program} {string.Join(' ', arguments)}` failed with exit code {process.ExitCode}: {stderr.Result}{stdout}");
        }
    }
}
