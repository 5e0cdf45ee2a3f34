using Reasoning.Threads;

namespace Reasoning.Orchestrator.Apr;

/// <summary>Settings of an APR run.</summary>
public sealed record AprOptions
{
    /// <summary>Generation settings of the root (parent) thread.</summary>
    public ThreadGenerationOptions Parent { get; init; } = new() { MaxTokens = 4096 };
    /// <summary>Generation settings of each child.</summary>
    public ThreadGenerationOptions Child { get; init; } = new() { MaxTokens = 4096 };
    /// <summary>Most spawn rounds of the root.</summary>
    public int MaxRounds { get; init; } = 8;
}

/// <summary>How an APR run ended.</summary>
/// <param name="Root">The root thread (its text is the final parent trace).</param>
/// <param name="Rounds">Spawn rounds completed.</param>
/// <param name="FailureReason">Why the root ended abnormally (null when it finished).</param>
public sealed record AprRunResult(ReasoningThread Root, int Rounds, string? FailureReason);

/// <summary>
/// APR's runtime: the root thread generates until it writes <c>&lt;End Calling Sub Searches&gt;</c>; the runtime
/// starts one child per call, each from a fresh context built by the task, all in the engine's batch at once; when
/// they finish, the parent's spawn block is replaced by the join block of their results and the parent continues.
/// Malformed output ends the thread concerned with a recorded reason; the run always finishes. The protocol is
/// <see cref="AprPolicy"/> on a <see cref="ProtocolRunner"/>.
/// </summary>
public static class AprProtocol
{
    /// <summary>How a thread generates; tests replace it with recorded traces.</summary>
    internal delegate Task<ThreadGeneration> Generate(ReasoningThread thread, ThreadGenerationOptions options, CancellationToken cancellationToken);

    private static readonly Generate ModelGenerate = (thread, options, ct) => thread.GenerateAsync(options, ct);

    /// <summary>Runs APR from <paramref name="prompt"/> in <paramref name="run"/>.</summary>
    public static Task<AprRunResult> RunAsync(ThreadRun run, string prompt, IAprTask task, AprOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(run, prompt, task, options, ModelGenerate, cancellationToken);

    internal static async Task<AprRunResult> RunAsync(ThreadRun run, string prompt, IAprTask task, AprOptions options, Generate generate, CancellationToken cancellationToken)
    {
        var runner = new ProtocolRunner(run, new ProtocolLimits { MaxRounds = options.MaxRounds }, (thread, o, ct) => generate(thread, o, ct));
        var result = await runner.RunAsync(prompt, new AprPolicy(task, options), cancellationToken).ConfigureAwait(false);
        return new AprRunResult(result.Thread, result.Rounds, result.Outcome.Status == ThreadStatus.Finished ? null : result.Outcome.Reason);
    }
}
