using Reasoning.Engine.Errors;

namespace Reasoning.Orchestrator;

/// <summary>
/// A policy decided something the thread layer does not offer (a fork at a position, a KV join, a prune); the
/// protocol needs a thread layer that has the operation.
/// </summary>
public sealed class UnsupportedDecisionException : ReasoningException
{
    /// <summary>Creates the exception naming the decision and the missing operation.</summary>
    public UnsupportedDecisionException(Decision decision, string operation)
        : base($"the policy decided {decision.GetType().Name}, but the thread layer does not offer {operation}; run this protocol on a thread layer that has it.")
    {
        Decision = decision;
    }

    /// <summary>The decision that could not be carried out.</summary>
    public Decision Decision { get; }
}
