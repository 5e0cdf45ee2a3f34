namespace Reasoning.Fuzz;

/// <summary>How one fuzz case ended.</summary>
public enum OutcomeKind
{
    /// <summary>A result (parsed, loaded, finished, or a command's exit code without a stack trace).</summary>
    Result,
    /// <summary>A typed error: the <c>ReasoningException</c> family or <c>CountdownFormatException</c>.</summary>
    TypedError,
    /// <summary>Any other exception, or a command that printed an unhandled exception or a stack trace.</summary>
    Crash,
    /// <summary>The case ran past its time limit.</summary>
    Hang,
    /// <summary>The case ended but left KV pages held.</summary>
    Leak,
}

/// <summary>One case's outcome.</summary>
/// <param name="Category">The kind of input (<c>apr-format</c>, <c>apr-runtime</c>, <c>countdown-trace</c>, <c>model-files</c>, <c>cli-args</c>).</param>
/// <param name="Kind">How it ended.</param>
/// <param name="Detail">The error's type, or for a command its exit code (<c>exit 2</c>).</param>
/// <param name="Input">A short description of the input, enough to reproduce it.</param>
/// <param name="KnownIssue">For a crash or a hang: the known open issue it matches (null: a new finding).</param>
/// <param name="LeakedPages">KV pages left held by the case.</param>
public sealed record FuzzOutcome(string Category, OutcomeKind Kind, string Detail, string Input, string? KnownIssue = null, int LeakedPages = 0);
