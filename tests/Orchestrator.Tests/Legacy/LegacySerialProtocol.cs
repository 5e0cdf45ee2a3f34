using Reasoning.Threads;

namespace Reasoning.Orchestrator.Tests.Legacy;

// SoS+ as it was before it became a policy on the ProtocolRunner, kept as the reference.
/// <summary>The serial baseline (SoS+): one thread writes one whole trace.</summary>
internal static class LegacySerialProtocol
{
    /// <summary>Generates one trace from <paramref name="prompt"/>; the root's text is the trace.</summary>
    public static async Task<ReasoningThread> RunAsync(ThreadRun run, string prompt, ThreadGenerationOptions options, CancellationToken cancellationToken = default)
    {
        var root = run.CreateRoot(prompt);
        var generation = await root.GenerateAsync(options, cancellationToken).ConfigureAwait(false);
        root.End(generation.Finish == Engine.Generation.FinishReason.Length ? ThreadStatus.Failed : ThreadStatus.Finished,
            generation.Finish == Engine.Generation.FinishReason.Length ? "ran out of tokens before finishing" : null);
        return root;
    }
}
