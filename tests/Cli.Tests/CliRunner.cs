using System.Diagnostics;

namespace Reasoning.Cli.Tests;

/// <summary>Runs the built <c>reason</c> command as a separate process, as users and scripts do.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reasoning.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Reasoning.sln not found");
        }
    }

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", "models", name);

    public static Result Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "reason.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("reason " + string.Join(' ', args) + " ran over 120 s");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
