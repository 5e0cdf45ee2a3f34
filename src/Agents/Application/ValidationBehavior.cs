using Mediator;

namespace Reasoning.Agents.Application;

/// <summary>
/// Refuses a request whose arguments are out of range before any model is loaded: every door (CLI, MCP, Semantic
/// Kernel, AIFunction) gets the same typed <see cref="Engine.Errors.InvalidRequestException"/> with the same message.
/// </summary>
/// <typeparam name="TMessage">The request type.</typeparam>
/// <typeparam name="TResponse">Its response type.</typeparam>
public sealed class ValidationBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IValidatedRequest validated)
            validated.Validate();
        return next(message, cancellationToken);
    }
}
