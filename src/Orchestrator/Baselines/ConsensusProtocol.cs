using Reasoning.Search;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Baselines;

/// <summary>
/// cons@N and pass@N: N serial traces forked from one prompt (the prompt's KV is shared) and generated in one batch,
/// then combined by <see cref="SelfConsistency"/>: majority vote or "any correct".
/// </summary>
public static class ConsensusProtocol
{
    /// <summary>
    /// Runs <paramref name="n"/> traces. <paramref name="answerOf"/> reads a trace's answer key;
    /// <paramref name="verify"/> (for <see cref="ConsensusMode.AnyCorrect"/>) says whether a trace is right.
    /// </summary>
    public static async Task<ConsensusResult> RunAsync(ThreadRun run, string prompt, int n, ConsensusMode mode, ThreadGenerationOptions options,
        Func<string, string?> answerOf, Func<string, bool>? verify = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var result = await new ProtocolRunner(run).RunAsync(prompt, new ConsensusPolicy(n, options), cancellationToken).ConfigureAwait(false);
        return SelfConsistency.Combine([.. result.Thread.Children], mode, answerOf, verify);
    }
}

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
