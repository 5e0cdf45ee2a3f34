using Reasoning.Orchestrator.Apr;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Tests.Legacy;

// The APR runtime as it was before protocols became policies on the ProtocolRunner, kept verbatim as the reference
// that the policy-driven runs must match token for token, status for status.
/// <summary>
/// APR's runtime: the root thread generates until it writes <c>&lt;End Calling Sub Searches&gt;</c>; the runtime
/// starts one child per call, each from a fresh context built by the task, all in the engine's batch at once; when
/// they finish, the parent's spawn block is replaced by the join block of their results and the parent continues.
/// Malformed output ends the thread concerned with a recorded reason; the run always finishes.
/// </summary>
internal static class LegacyAprProtocol
{
    private static readonly AprProtocol.Generate ModelGenerate = (thread, options, ct) => thread.GenerateAsync(options, ct);

    public static Task<AprRunResult> RunAsync(ThreadRun run, string prompt, IAprTask task, AprOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(run, prompt, task, options, ModelGenerate, cancellationToken);

    internal static async Task<AprRunResult> RunAsync(ThreadRun run, string prompt, IAprTask task, AprOptions options, AprProtocol.Generate generate, CancellationToken cancellationToken)
    {
        var root = run.CreateRoot(prompt);
        int rounds = 0;
        while (true)
        {
            var parentOptions = options.Parent with { StopStrings = [.. options.Parent.StopStrings, AprFormat.CallEnd] };
            var generation = await generate(root, parentOptions, cancellationToken).ConfigureAwait(false);
            if (generation.StopString != AprFormat.CallEnd)
                return End(root, rounds, generation.BudgetExhausted || generation.Finish == Engine.Generation.FinishReason.Length
                    ? "the root ran out of tokens before finishing" : null);
            if (rounds >= options.MaxRounds)
                return End(root, rounds, $"the root asked for more than {options.MaxRounds} spawn rounds");

            int blockStart;
            IReadOnlyList<AprChildCall> calls;
            List<string> contexts;
            try
            {
                (blockStart, calls) = AprFormat.ParseSpawnBlock(root.Text);
                contexts = calls.Select(c => task.BuildChildContext(root.Text, c)).ToList();
            }
            catch (AprProtocolException e)
            {
                return End(root, rounds, "malformed spawn block: " + e.Message);
            }

            IReadOnlyList<ReasoningThread> children;
            try
            {
                children = root.Spawn(contexts, i => $"sub search {calls[i].Index} at Node #{calls[i].Node}");
            }
            catch (BudgetExceededException e)
            {
                return End(root, rounds, e.Message);
            }

            Task<AprChildOutcome>[] running;
            using (run.HoldSubmissions())   // the children start in one step: their prompts prefill together
                running = [.. children.Select((child, i) => RunChildAsync(child, calls[i], task, options.Child, generate, cancellationToken))];
            var outcomes = await Task.WhenAll(running).ConfigureAwait(false);
            rounds++;
            root.TruncateText(blockStart);
            try
            {
                root.Join(children, AprFormat.BuildJoinBlock(outcomes));
            }
            catch (BudgetExceededException e)
            {
                // The children's results do not fit the root's context window: the root cannot go on (APR's runtime
                // would stop it the same way), so it ends here with the reason instead of failing the whole run.
                return End(root, rounds, "the join block does not fit the context window: " + e.Message);
            }
        }
    }

    private static async Task<AprChildOutcome> RunChildAsync(ReasoningThread child, AprChildCall call, IAprTask task, ThreadGenerationOptions options, AprProtocol.Generate generate, CancellationToken ct)
    {
        var generation = await generate(child, options, ct).ConfigureAwait(false);
        var outcome = AprFormat.ReadChild(call, child.Text, task.ReadChildResult);
        if (generation.Finish == Engine.Generation.FinishReason.Length && !outcome.Solved)
            child.End(ThreadStatus.Failed, "the child ran out of tokens before finishing");
        else
            child.End(ThreadStatus.Finished, outcome.Solved ? "goal reached" : "no solution");
        return outcome;
    }

    private static AprRunResult End(ReasoningThread root, int rounds, string? failure)
    {
        root.End(failure is null ? ThreadStatus.Finished : ThreadStatus.Failed, failure);
        return new AprRunResult(root, rounds, failure);
    }
}
