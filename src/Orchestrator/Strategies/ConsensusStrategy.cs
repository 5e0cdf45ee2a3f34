using Reasoning.Orchestrator.Baselines;
using Reasoning.Search;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>cons@N (majority vote) or pass@N (any verified trace) over N serial traces forked from the prompt (<see cref="ConsensusProtocol"/>).</summary>
/// <param name="traces">N.</param>
/// <param name="mode">How the traces are combined.</param>
public sealed class ConsensusStrategy(int traces, ConsensusMode mode) : IReasoningStrategy
{
    /// <summary>N.</summary>
    public int Traces => traces;

    /// <summary>How the traces are combined.</summary>
    public ConsensusMode Mode => mode;

    /// <inheritdoc />
    public string Name => (mode == ConsensusMode.Majority ? "cons@" : "pass@") + traces;

    /// <inheritdoc />
    public async Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default)
    {
        var cons = await ConsensusProtocol.RunAsync(run, task.Prompt(PromptStyle.Serial), traces, mode, options.Generation,
            task.AnswerOf, task.Verify, cancellationToken).ConfigureAwait(false);
        var root = cons.Traces[0].Parent!;   // the prompt thread the traces forked from
        return cons.Chosen >= 0
            ? new StrategyResult(root, cons.Traces[cons.Chosen].Text, null, 1, cons.Traces, cons.Answers, cons.Chosen)
            : new StrategyResult(root, null, "no trace stated a solution", 1, cons.Traces, cons.Answers, -1);
    }
}
