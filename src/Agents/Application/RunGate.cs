using Mediator;

namespace Reasoning.Agents.Application;

/// <summary>
/// Lets at most <see cref="ReasoningHostOptions.MaxConcurrentRuns"/> model runs go at once in a host. The engine's
/// compute threads work as one team that spins while it waits for its slowest member; two engines each with a thread
/// per core leave every thread without a core of its own half the time, and each step then waits a scheduler slice
/// (docs/cli.md, "Threads": over 100 s against 4.7 s). So a server's concurrent calls queue instead.
/// </summary>
/// <param name="host">The host's options.</param>
public sealed class RunGate(ReasoningHostOptions host) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, host.MaxConcurrentRuns));

    /// <summary>Waits for a slot (cancellable while waiting); dispose the result to free it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(_slots);
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }
}

/// <summary>Runs each request that loads a model inside a <see cref="RunGate"/> slot (after validation, so a refusal never waits).</summary>
/// <typeparam name="TMessage">The request type.</typeparam>
/// <typeparam name="TResponse">Its response type.</typeparam>
/// <param name="gate">The host's gate.</param>
public sealed class RunGateBehavior<TMessage, TResponse>(RunGate gate) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    /// <inheritdoc />
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        return await next(message, cancellationToken).ConfigureAwait(false);
    }
}
