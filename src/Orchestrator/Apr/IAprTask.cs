namespace Reasoning.Orchestrator.Apr;

/// <summary>
/// What the APR protocol needs to know about a task: how a child's fresh context is built from its call and the
/// parent's trace (for Countdown: the node header line and its <c>Current State:</c> line, rebuilt from the parent's
/// <c>Generated Node</c> lines).
/// </summary>
public interface IAprTask
{
    /// <summary>The text a child starts from.</summary>
    /// <exception cref="AprProtocolException">The call names a node the parent's trace does not define.</exception>
    string BuildChildContext(string parentTrace, AprChildCall call);

    /// <summary>A child's result (null when it found no solution); APR's rule by default.</summary>
    string? ReadChildResult(string childTrace) => AprFormat.ResultOf(childTrace);
}
