namespace Reasoning.Engine.Errors;

/// <summary>
/// The engine's step loop hit an unexpected internal error (a bug, not bad input). The generations that were running
/// or waiting fail with this exception, which carries the original error as <see cref="Exception.InnerException"/>;
/// their sequences keep their pages until they are disposed, and the loop goes on serving new work. Please report it
/// with the inner exception.
/// </summary>
public sealed class EngineFaultException : ReasoningException
{
    /// <summary>Creates the exception around the internal error <paramref name="inner"/>.</summary>
    public EngineFaultException(Exception inner)
        : base($"the inference engine's step loop failed unexpectedly ({inner.GetType().Name}: {inner.Message}); the generations in flight were stopped and the engine goes on with new work. This is a bug: please report it with the inner exception.", inner) { }
}
