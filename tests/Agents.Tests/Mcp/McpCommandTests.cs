using System.Diagnostics;
using FluentAssertions;
using Reasoning.Agents.Tests.Application;
using Reasoning.Cli.Tests;
using Xunit;

namespace Reasoning.Agents.Tests.Mcp;

/// <summary><c>reason mcp</c>'s own options: refused as every command refuses bad input (one <c>error:</c> line, exit 2).</summary>
public sealed class McpCommandTests
{
    [Theory]
    [InlineData(new[] { "mcp", "--model", "/no/such/model" }, "error: --model '/no/such/model' holds no config.json")]
    [InlineData(new[] { "mcp", "--http", "--host", "localhost-ish" }, "error: --host 'localhost-ish' is not an IP address")]
    [InlineData(new[] { "mcp", "--http", "--port", "70000" }, "error: --port 70000 is outside 0-65535")]
    [InlineData(new[] { "mcp", "--wall-time", "-1" }, "error: --wall-time -1 must be 0 (no limit) or more seconds.")]
    public void Bad_options_are_one_error_line_and_exit_2(string[] args, string start)
    {
        var (code, stdout, stderr) = CliRunner.Run(args);
        code.Should().Be(2, stderr);
        stdout.Should().BeEmpty();
        stderr.Trim().Should().StartWith(start).And.NotContain("\n");
    }

    [Fact(Timeout = 90_000)]
    public async Task Stdio_ends_cleanly_when_the_client_closes_stdin()
    {
        // The client closes stdin without a word: the server must see end-of-input and stop by itself, exit code 0, nothing on stdout.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "reason.dll"), "mcp", "--model", Direct.Tiny })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("a stdio server must stop when its client closes stdin; it ran on for 60 s");
        }
        string errors = await stderr;
        process.ExitCode.Should().Be(0, errors);
        (await stdout).Should().BeEmpty();
    }
}
