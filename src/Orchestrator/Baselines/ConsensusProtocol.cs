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
