using Reasoning.Orchestrator.Baselines;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>SoS+: one serial trace (<see cref="SerialPolicy"/>).</summary>
public sealed class SerialStrategy : IReasoningStrategy
{
    /// <inheritdoc />
    public string Name => "sos";

    /// <inheritdoc />
    public async Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default)
    {
        var root = await SerialProtocol.RunAsync(run, task.Prompt(PromptStyle.Serial), options.Generation, cancellationToken).ConfigureAwait(false);
        return new StrategyResult(root, root.Text, root.EndReason, 0, [root], [task.AnswerOf(root.Text)], 0);
    }
}
