using Reasoning.Engine.Errors;

namespace Reasoning.Evaluation;

/// <summary>
/// A results file cannot be used as asked: it exists and neither resuming nor overwriting was asked for, it was written
/// with other settings, or another process is writing it. Nothing in the file has been changed when this is thrown.
/// </summary>
public sealed class ResultsFileException : ReasoningException
{
    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public ResultsFileException(string message) : base(message) { }
}
