using Reasoning.Engine.Errors;

namespace Reasoning.Training;

/// <summary>A training run cannot start or go on as asked: an unsupported model shape, bad data, an unreadable checkpoint.</summary>
public sealed class TrainingException : ReasoningException
{
    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public TrainingException(string message, Exception? inner = null) : base(message, inner) { }
}
