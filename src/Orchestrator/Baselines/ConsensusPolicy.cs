using Reasoning.Threads;

namespace Reasoning.Orchestrator.Baselines;

/// <summary>
/// The prompt thread of cons@N: fork into <paramref name="n"/> traces (trace <c>i</c> seeded <c>Seed + i</c>) and end;
/// each trace is a <see cref="SerialPolicy"/>, and all end together once the last one stops.
/// </summary>
/// <param name="n">Traces.</param>
/// <param name="options">Each trace's generation settings.</param>
public sealed class ConsensusPolicy(int n, ThreadGenerationOptions options) : IProtocolPolicy
{
    /// <inheritdoc />
    public Decision Decide(PolicyStep step) => step.Observation switch
    {
        Observation.Started => new Decision.Fork(n, i => new SerialPolicy(options with { Seed = options.Seed + (ulong)i }), i => $"trace {i}",
            ThenStop: StopOutcome.Finished($"forked into {n} traces"), EndChildrenTogether: true),
        Observation.Refused r => throw r.Error,
        var other => throw new InvalidOperationException($"the consensus policy never asks for what led to {other}."),
    };
}
