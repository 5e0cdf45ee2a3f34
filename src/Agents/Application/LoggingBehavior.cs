using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Reasoning.Agents.Application;

/// <summary>Logs each request's name, duration and outcome (done, refused, cancelled, failed); the CLI registers no logger, the MCP server logs to stderr.</summary>
/// <typeparam name="TMessage">The request type.</typeparam>
/// <typeparam name="TResponse">Its response type.</typeparam>
/// <param name="logger">Where the lines go.</param>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        string name = typeof(TMessage).Name;
        long start = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken).ConfigureAwait(false);
            Done(logger, name, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return response;
        }
        catch (Engine.Errors.ReasoningException e)
        {
            Refused(logger, name, e.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            Cancelled(logger, name, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            throw;
        }
        catch (Exception e)
        {
            Failed(logger, e, name);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} done in {Milliseconds:0} ms")]
    private static partial void Done(ILogger logger, string request, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string request, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Request} cancelled after {Milliseconds:0} ms")]
    private static partial void Cancelled(ILogger logger, string request, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Request} failed")]
    private static partial void Failed(ILogger logger, Exception exception, string request);
}
