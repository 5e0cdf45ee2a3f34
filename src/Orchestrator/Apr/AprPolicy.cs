using Reasoning.Engine.Generation;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Apr;

/// <summary>
/// APR's parent: generate until <c>&lt;End Calling Sub Searches&gt;</c>, spawn one child per call (each from the
/// context the task builds), replace the spawn block by the join block of the children's results, go on. Malformed
/// output, a refused spawn or a join that does not fit ends the parent with the reason.
/// </summary>
internal sealed class AprPolicy(IAprTask task, AprOptions options) : IProtocolPolicy
{
    private readonly ThreadGenerationOptions _parent = options.Parent with { StopStrings = [.. options.Parent.StopStrings, AprFormat.CallEnd] };
    private int _blockStart;
    private IReadOnlyList<AprChildCall> _calls = [];

    public Decision Decide(PolicyStep step) => step.Observation switch
    {
        Observation.Started or Observation.Joined => new Decision.Continue(_parent),
        Observation.Generated g => AfterGeneration(step, g.Generation),
        Observation.ChildrenDone done => new Decision.Join(JoinMode.Text,
            AprFormat.BuildJoinBlock([.. done.Children.Select((r, i) => AprFormat.ReadChild(_calls[i], r.Thread.Text, task.ReadChildResult))]), _blockStart),
        Observation.Refused { Decision: Decision.Spawn } r => Fail(r.Error.Message),
        // The children's results do not fit the root's context window: the root cannot go on (APR's runtime would
        // stop it the same way), so it ends here with the reason instead of failing the whole run.
        Observation.Refused { Decision: Decision.Join } r => Fail("the join block does not fit the context window: " + r.Error.Message),
        var other => throw new InvalidOperationException($"APR's parent policy never asks for what led to {other}."),
    };

    private Decision AfterGeneration(PolicyStep step, ThreadGeneration generation)
    {
        if (generation.StopString != AprFormat.CallEnd)
            return generation.BudgetExhausted || generation.Finish == FinishReason.Length
                ? Fail("the root ran out of tokens before finishing")
                : new Decision.Stop(StopOutcome.Finished());
        if (step.Rounds >= options.MaxRounds)
            return Fail($"the root asked for more than {options.MaxRounds} spawn rounds");

        IReadOnlyList<AprChildCall> calls;
        List<string> contexts;
        try
        {
            (_blockStart, calls) = AprFormat.ParseSpawnBlock(step.Thread.Text);
            contexts = calls.Select(c => task.BuildChildContext(step.Thread.Text, c)).ToList();
        }
        catch (MalformedOutputException e)
        {
            return Fail("malformed spawn block: " + e.Message);
        }
        _calls = calls;
        return new Decision.Spawn(contexts, i => new AprChildPolicy(calls[i], task, options.Child),
            i => $"sub search {calls[i].Index} at Node #{calls[i].Node}");
    }

    private static Decision.Stop Fail(string reason) => new(StopOutcome.Failed(reason));
}
