using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Reasoning.Agents.Tests.Application;
using Xunit;

namespace Reasoning.Agents.Tests.Mcp;

/// <summary>The official MCP C# client against the built <c>reason mcp</c>, over stdio and streamable HTTP.</summary>
public sealed class McpServerTests
{
    private static string ReasonDll => Path.Combine(AppContext.BaseDirectory, "reason.dll");

    private static Task<McpClient> StdioClientAsync() =>
        McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "reason", Command = "dotnet", Arguments = [ReasonDll, "mcp", "--model", Direct.Tiny],
        }));

    private static Dictionary<string, object?> SolveArguments(object numbers, string strategy = "sos") =>
        new() { ["numbers"] = numbers, ["target"] = 98, ["strategy"] = strategy };

    private static string Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().Single().Text;

    /// <summary>The tool's JSON must be the solve the Evaluation's solver gives directly (the tiny model's window is the context: 2048).</summary>
    private static async Task ShouldBeTheDirectSolve(CallToolResult result)
    {
        result.IsError.Should().NotBe(true, Text(result));
        var direct = await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 2048);
        var node = JsonNode.Parse(Text(result))!;
        node["usage"]!["total_tokens"]!.GetValue<long>().Should().Be(direct.TotalTokens).And.BePositive();
        node["reason"]!.GetValue<string>().Should().Be(direct.Reason);
        node["tree"]!["text"]!.GetValue<string>().Should().Be(direct.Tree["text"]!.GetValue<string>());
    }

    [Fact(Timeout = 120_000)]
    public async Task Stdio_lists_the_tools_solves_refuses_bad_arguments_and_keeps_serving()
    {
        await using var client = await StdioClientAsync();
        client.ServerInfo!.Name.Should().Be("reason");

        var tools = await client.ListToolsAsync();
        tools.Select(t => t.Name).Should().BeEquivalentTo("solve_countdown", "reason", "explore");
        var solve = tools.Single(t => t.Name == "solve_countdown");
        solve.Description!.Should().Contain("Countdown");
        solve.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("numbers", "target", "strategy");
        solve.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo("numbers", "target");

        await ShouldBeTheDirectSolve(await client.CallToolAsync("solve_countdown", SolveArguments(new[] { 44, 19, 35, 73 })));

        var tooFew = await client.CallToolAsync("solve_countdown", SolveArguments(new[] { 7 }));
        tooFew.IsError.Should().BeTrue();
        Text(tooFew).Should().Contain("has 1 numbers; a Countdown problem has 2 to 6");

        var unknown = await client.CallToolAsync("solve_countdown", SolveArguments(new[] { 1, 2, 3 }, "beam"));
        unknown.IsError.Should().BeTrue();
        Text(unknown).Should().Contain("unknown strategy 'beam'");

        var malformed = await client.CallToolAsync("solve_countdown", SolveArguments("forty-four"));
        malformed.IsError.Should().BeTrue("a string where numbers belong is the caller's mistake, not the server's end");
        Text(malformed).Should().StartWith("the argument 'numbers' is \"forty-four\", not an array of whole numbers");

        var missing = await client.CallToolAsync("solve_countdown", new Dictionary<string, object?> { ["numbers"] = new[] { 1, 2 } });
        missing.IsError.Should().BeTrue();
        Text(missing).Should().StartWith("the argument 'target' is missing; solve_countdown takes numbers (an array of whole numbers), target (a whole number), strategy (a string, optional).");

        var extra = await client.CallToolAsync("explore", new Dictionary<string, object?> { ["question"] = "Why?", ["count"] = 3 });
        extra.IsError.Should().BeTrue();
        Text(extra).Should().StartWith("unknown argument 'count'; explore takes question");

        var general = await client.CallToolAsync("reason", new Dictionary<string, object?> { ["question"] = "Name a colour.", ["budget"] = 16 });
        general.IsError.Should().NotBe(true, Text(general));
        JsonNode.Parse(Text(general))!["kind"]!.GetValue<string>().Should().Be("text");

        // Still serving after the refusals.
        (await client.ListToolsAsync()).Should().HaveCount(3);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_long_call_reports_progress_and_stops_when_cancelled()
    {
        await using var client = await StdioClientAsync();
        var updates = new List<ProgressNotificationValue>();
        var first = new TaskCompletionSource();
        var progress = new SyncProgress(v =>
        {
            lock (updates)
                updates.Add(v);
            first.TrySetResult();
        });
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        // cons@16 on the tiny model: 16 traces of up to 2048 tokens, far longer than the wait for a first progress note.
        var call = client.CallToolAsync("solve_countdown", SolveArguments(new[] { 44, 19, 35, 73 }, "cons@16"), progress, cancellationToken: cts.Token).AsTask();
        await Task.WhenAny(first.Task, call, Task.Delay(60_000));
        first.Task.IsCompleted.Should().BeTrue(call.IsCompleted ? "a progress note before the call ended: " + Text(await call) : "a progress note within a minute");
        cts.Cancel();
        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
        lock (updates)
        {
            updates[0].Message.Should().MatchRegex(@"^\d+ threads?, \d+ tokens$");
            updates.Select(u => u.Progress).Should().BeInAscendingOrder();
        }

        // The server is alive and serves the next call in full.
        await ShouldBeTheDirectSolve(await client.CallToolAsync("solve_countdown", SolveArguments(new[] { 44, 19, 35, 73 })));
    }

    [Fact(Timeout = 120_000)]
    public async Task Streamable_http_on_loopback_lists_the_tools_and_solves()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { ReasonDll, "mcp", "--http", "--port", "0", "--model", Direct.Tiny })
            info.ArgumentList.Add(a);
        using var server = Process.Start(info)!;
        var stderr = server.StandardError.ReadToEndAsync();
        try
        {
            const string prefix = "mcp: serving streamable HTTP at ";
            var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            line.Should().StartWith(prefix, "the server's first line names its address; stderr: {0}", server.HasExited ? await stderr : "");
            var endpoint = new Uri(line![prefix.Length..]);
            endpoint.Host.Should().Be("127.0.0.1", "loopback is the default");
            endpoint.Port.Should().BePositive();

            await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }));
            (await client.ListToolsAsync()).Select(t => t.Name).Should().BeEquivalentTo("solve_countdown", "reason", "explore");
            await ShouldBeTheDirectSolve(await client.CallToolAsync("solve_countdown", SolveArguments(new[] { 44, 19, 35, 73 })));
            var refused = await client.CallToolAsync("explore", new Dictionary<string, object?> { ["question"] = "Name a colour.", ["n"] = 65 });
            refused.IsError.Should().BeTrue();
            Text(refused).Should().Contain("outside 1-64 thoughts");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a context the test does not pump).</summary>
    private sealed class SyncProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
