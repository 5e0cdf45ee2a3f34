using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Apr;

/// <summary>APR's child: generate its trace once, then end as solved, unsolved, or out of tokens.</summary>
internal sealed class AprChildPolicy(AprChildCall call, IAprTask task, ThreadGenerationOptions options) : IProtocolPolicy
{
    public Decision Decide(PolicyStep step) => step.Observation switch
    {
        Observation.Started => new Decision.Continue(options),
        Observation.Generated g => End(g.Generation, AprFormat.ReadChild(call, step.Thread.Text, task.ReadChildResult)),
        var other => throw new InvalidOperationException($"APR's child policy never asks for what led to {other}."),
    };

    private static Decision.Stop End(ThreadGeneration generation, AprChildOutcome outcome) =>
        new(generation.Finish == FinishReason.Length && !outcome.Solved
            ? StopOutcome.Failed("the child ran out of tokens before finishing")
            : StopOutcome.Finished(outcome.Solved ? "goal reached" : "no solution"));
}
