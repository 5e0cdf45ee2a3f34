namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Raised when Countdown input (a problem file, a solution step, a trace) is malformed. The message
/// names what was wrong, where (file line, trace line, step) and what a well-formed value looks like.
/// </summary>
public sealed class CountdownFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong and what to do.</summary>
    public CountdownFormatException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the error that revealed the problem.</summary>
    public CountdownFormatException(string message, Exception inner) : base(message, inner) { }
}
