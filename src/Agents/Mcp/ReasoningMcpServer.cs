using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using Reasoning.Agents.Application;

namespace Reasoning.Agents.Mcp;

/// <summary>Serves <see cref="ReasoningMcpTools"/> over MCP: on stdin/stdout (a client starts the process) or streamable HTTP.</summary>
public static class ReasoningMcpServer
{
    /// <summary>The server's name in the MCP handshake.</summary>
    public const string Name = "reason";

    /// <summary>
    /// Serves over stdio until stdin closes or <paramref name="cancellationToken"/> is cancelled. Stdout carries only
    /// protocol messages; logs go to stderr.
    /// </summary>
    public static async Task RunStdioAsync(ReasoningHostOptions options, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        ConfigureLogging(builder.Logging);
        builder.Services.AddReasoningApplication(options);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = Name, Version = Version })
            .WithStdioServerTransport()
            .WithTools<ReasoningMcpTools>()
            .WithRequestFilters(CheckArguments);
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Serves streamable HTTP at <c>http://ADDRESS:PORT/</c> until <paramref name="cancellationToken"/> is cancelled;
    /// <paramref name="started"/> sees the address once it listens (port 0 picks a free one).
    /// </summary>
    public static async Task RunHttpAsync(ReasoningHostOptions options, IPAddress address, int port, Action<Uri>? started = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddRoutingCore();
        ConfigureLogging(builder.Logging);
        builder.Services.AddReasoningApplication(options);
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = Name, Version = Version })
            .WithHttpTransport()
            .WithTools<ReasoningMcpTools>()
            .WithRequestFilters(CheckArguments);
        await using var app = builder.Build();
        app.UseRouting();
        app.MapMcp();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Urls.Select(u => new Uri(u)).FirstOrDefault() ?? new Uri($"http://{address}:{port}/");
        started?.Invoke(bound);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Answers a call whose arguments do not fit the tool with a tool error naming the argument, before the SDK binds them.</summary>
    private static void CheckArguments(IMcpRequestFilterBuilder filters) => filters.AddCallToolFilter(next => (request, cancellationToken) =>
        request.Params is { } call && ToolArguments.Problem(call.Name, call.Arguments) is { } problem
            ? ValueTask.FromResult(new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = problem }] })
            : next(request, cancellationToken));

    private static string Version => typeof(ReasoningMcpServer).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    /// <summary>Warnings and the requests' one-line outcomes, all to stderr (stdout is the protocol's).</summary>
    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Reasoning", LogLevel.Information);
    }
}
