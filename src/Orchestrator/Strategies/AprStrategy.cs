using Reasoning.Orchestrator.Apr;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>APR: the root spawns and joins sub-searches (<see cref="AprProtocol"/>).</summary>
public sealed class AprStrategy : IReasoningStrategy
{
    /// <inheritdoc />
    public string Name => "apr";

    /// <inheritdoc />
    public async Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default)
    {
        var apr = await AprProtocol.RunAsync(run, task.Prompt(PromptStyle.Parallel), task,
            new AprOptions { Parent = options.Generation, Child = options.Generation, MaxRounds = options.MaxRounds }, cancellationToken).ConfigureAwait(false);
        return new StrategyResult(apr.Root, apr.Root.Text, apr.FailureReason, apr.Rounds, [apr.Root], [task.AnswerOf(apr.Root.Text)], 0);
    }
}
