using System.CommandLine;
using System.Net;
using Reasoning.Agents.Application;
using Reasoning.Agents.Mcp;
using Reasoning.Engine.Errors;

namespace Reasoning.Cli.Commands;

/// <summary>
/// <c>reason mcp [--model DIR] [--http [--port P] [--host ADDR]]</c>: serves the tools <c>solve_countdown</c>,
/// <c>reason</c> and <c>explore</c> over MCP — stdio by default (a client starts the process), streamable HTTP with
/// <c>--http</c>, on loopback unless <c>--host</c> says otherwise.
/// </summary>
internal static class McpCommand
{
    /// <summary>The port of <c>--http</c> when none is given.</summary>
    public const int DefaultPort = 5100;

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model folder for every tool call (default: the shipped Countdown models, which answer only Countdown questions; a general model answers any question as plain generation)." };
        var http = new Option<bool>("--http") { Description = "Serve streamable HTTP instead of stdio." };
        var port = new Option<int>("--port") { Description = $"Port of --http (0 picks a free one; default {DefaultPort}).", DefaultValueFactory = _ => DefaultPort };
        var host = new Option<string>("--host") { Description = "Address --http listens on (default 127.0.0.1: this machine only).", DefaultValueFactory = _ => "127.0.0.1" };
        var threads = new Option<int>("--threads") { Description = "Engine compute threads of each call (0: one per core; more than the cores is capped)." };
        var kvMemory = KvOptions.Memory("1GiB");
        var wallTime = new Option<double>("--wall-time") { Description = "Most seconds one tool call may run (0: no limit).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("mcp", "Serve solve_countdown, reason and explore as MCP tools (stdio, or streamable HTTP with --http).");
        foreach (var o in new Option[] { model, http, port, host, threads, kvMemory, wallTime })
            cmd.Options.Add(o);
        cmd.SetAction(async (p, ct) =>
        {
            string? dir = p.GetValue(model);
            if (dir is not null && !File.Exists(Path.Combine(dir, "config.json")))
                throw new InvalidRequestException($"--model '{dir}' holds no config.json; give a model folder in Hugging Face layout, e.g. models/countdown-sos.");
            double seconds = p.GetValue(wallTime);
            if (!double.IsFinite(seconds) || seconds < 0)
                throw new InvalidRequestException($"--wall-time {seconds} must be 0 (no limit) or more seconds.");
            var options = new ReasoningHostOptions
            {
                ModelDirectory = dir is null ? null : Path.GetFullPath(dir),
                Engine = new EngineSettings { Threads = CountdownLimits.Threads(p.GetValue(threads)), KvMemoryBytes = ByteSize.Parse(p.GetValue(kvMemory)!) },
                WallTime = seconds > 0 ? TimeSpan.FromSeconds(seconds) : null,
            };
            try
            {
                if (!p.GetValue(http))
                {
                    await ReasoningMcpServer.RunStdioAsync(options, ct);
                    return 0;
                }
                int listen = p.GetValue(port);
                if (listen is < 0 or > 65535)
                    throw new InvalidRequestException($"--port {listen} is outside 0-65535; give e.g. --port {DefaultPort} (0 picks a free one).");
                string text = p.GetValue(host)!;
                if (!IPAddress.TryParse(text, out var address))
                    throw new InvalidRequestException($"--host '{text}' is not an IP address; give e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
                await ReasoningMcpServer.RunHttpAsync(options, address, listen, uri =>
                {
                    // The one stdout line: scripts and tests read the address from it (with --port 0 the port is chosen here).
                    Console.WriteLine($"mcp: serving streamable HTTP at {uri}");
                    Console.Out.Flush();
                }, ct);
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C or SIGTERM is how a server is meant to stop.
                return 0;
            }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidRequestException($"cannot listen on port {p.GetValue(port)}: {e.Message} Give another --port, or 0 for a free one.");
            }
        });
        return cmd;
    }
}
