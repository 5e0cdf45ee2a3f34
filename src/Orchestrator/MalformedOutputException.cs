using Reasoning.Engine.Errors;

namespace Reasoning.Orchestrator;

/// <summary>A model's output breaks its protocol's format (a block that does not parse, a call the task cannot read).</summary>
public class MalformedOutputException : ReasoningException
{
    /// <summary>Creates the exception with a message saying what was malformed.</summary>
    public MalformedOutputException(string message) : base(message) { }
}
