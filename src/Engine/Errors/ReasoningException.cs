namespace Reasoning.Engine.Errors;

/// <summary>
/// Base of every error the framework raises on purpose: each one says what was wrong and what to do.
/// Catch this type to handle all of them.
/// </summary>
public abstract class ReasoningException : Exception
{
    /// <summary>Creates the exception with a message that states the problem and the remedy.</summary>
    protected ReasoningException(string message, Exception? inner = null) : base(message, inner) { }
}
