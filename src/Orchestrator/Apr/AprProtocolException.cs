namespace Reasoning.Orchestrator.Apr;

/// <summary>A model's output breaks the APR protocol (a spawn block that does not parse, a child header the task cannot read).</summary>
public sealed class AprProtocolException : MalformedOutputException
{
    /// <summary>Creates the exception with a message saying what was malformed.</summary>
    public AprProtocolException(string message) : base(message) { }
}
