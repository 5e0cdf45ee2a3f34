using Reasoning.Engine.Errors;

namespace Reasoning.Search;

/// <summary>A scorer or reward model returned scores search cannot use (wrong count, NaN, out of range).</summary>
public sealed class InvalidScoreException : ReasoningException
{
    /// <summary>Creates the exception with a message saying which score was wrong.</summary>
    public InvalidScoreException(string message) : base(message) { }
}
