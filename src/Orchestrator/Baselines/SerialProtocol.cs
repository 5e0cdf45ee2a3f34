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
