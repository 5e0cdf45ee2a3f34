using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Baselines;

/// <summary>One generation, then stop: finished, or failed when it ran out of tokens. SoS+'s thread and each cons@N trace.</summary>
/// <param name="options">The generation's settings.</param>
public sealed class SerialPolicy(ThreadGenerationOptions options) : IProtocolPolicy
{
    /// <inheritdoc />
    public Decision Decide(PolicyStep step) => step.Observation switch
    {
        Observation.Started => new Decision.Continue(options),
        Observation.Generated { Generation.Finish: FinishReason.Length } => new Decision.Stop(StopOutcome.Failed("ran out of tokens before finishing")),
        Observation.Generated => new Decision.Stop(StopOutcome.Finished()),
        var other => throw new InvalidOperationException($"the serial policy never asks for what led to {other}."),
    };
}
