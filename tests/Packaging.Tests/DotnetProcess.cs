using System.Diagnostics;
using System.Text;

namespace Reasoning.Packaging.Tests;

/// <summary>
/// Runs the dotnet CLI as a user's shell would: without the MSBuild and test-host variables `dotnet test` puts in this
/// process's environment (they would steer the child build), without build servers that outlive the command, and with
/// a time limit.
/// </summary>
public static class DotnetProcess
{
    /// <summary>Runs <c>dotnet arguments...</c> in <paramref name="workingDirectory"/>; returns its output, or throws with it when it fails.</summary>
    public static string Run(string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.ToList())
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_HOST", StringComparison.OrdinalIgnoreCase) || name.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(name);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // Build servers would keep this process's output pipes open after the command ends.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`dotnet {string.Join(' ', arguments)}` did not finish in {limit.TotalSeconds:0} s. Output so far:\n{Text(output)}");
        }
        // Drains the asynchronous readers; bounded, in case a stray child process still holds the pipes.
        Task.Run(process.WaitForExit).Wait(TimeSpan.FromSeconds(10));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`dotnet {string.Join(' ', arguments)}` failed with exit code {process.ExitCode}:\n{Text(output)}");
        return Text(output);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }
}
