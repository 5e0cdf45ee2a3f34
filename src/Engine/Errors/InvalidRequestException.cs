namespace Reasoning.Engine.Errors;

/// <summary>
/// A request cannot be served as asked: a prompt longer than the context window, a sampling parameter out of range,
/// a token id outside the vocabulary.
/// </summary>
public sealed class InvalidRequestException : ReasoningException
{
    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public InvalidRequestException(string message) : base(message) { }
}
