using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Baselines;

/// <summary>The serial baseline (SoS+): one thread writes one whole trace.</summary>
public static class SerialProtocol
{
    /// <summary>Generates one trace from <paramref name="prompt"/>; the root's text is the trace.</summary>
    public static async Task<ReasoningThread> RunAsync(ThreadRun run, string prompt, ThreadGenerationOptions options, CancellationToken cancellationToken = default)
    {
        var result = await new ProtocolRunner(run).RunAsync(prompt, new SerialPolicy(options), cancellationToken).ConfigureAwait(false);
        return result.Thread;
    }
}

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
