using Reasoning.Threads;

namespace Reasoning.Orchestrator.Baselines;

/// <summary>How N serial traces are combined.</summary>
public enum ConsensusMode
{
    /// <summary>cons@N: the most frequent answer wins (ties: the earliest trace).</summary>
    Majority,
    /// <summary>pass@N: any verified answer counts.</summary>
    AnyCorrect,
}

/// <summary>The outcome of N traces: each trace's answer and the chosen one.</summary>
/// <param name="Traces">The N threads.</param>
/// <param name="Answers">Each trace's answer key (null when it has none).</param>
/// <param name="Chosen">The index of the chosen trace, or −1 when no trace has an answer.</param>
public sealed record ConsensusResult(IReadOnlyList<ReasoningThread> Traces, IReadOnlyList<string?> Answers, int Chosen);

/// <summary>
/// cons@N and pass@N: N serial traces forked from one prompt (the prompt's KV is shared) and generated in one batch,
/// then combined by majority vote or by "any correct".
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
        var root = run.CreateRoot(prompt);
        await root.PrefillAsync(cancellationToken).ConfigureAwait(false);
        var traces = Enumerable.Range(0, n).Select(i => root.Fork($"trace {i}")).ToList();
        root.End(ThreadStatus.Finished, $"forked into {n} traces");

        Task<ThreadGeneration>[] running;
        using (run.HoldSubmissions())
            running = [.. traces.Select((t, i) => t.GenerateAsync(options with { Seed = options.Seed + (ulong)i }, cancellationToken))];
        var generations = await Task.WhenAll(running).ConfigureAwait(false);
        var answers = new List<string?>();
        for (int i = 0; i < n; i++)
        {
            answers.Add(answerOf(traces[i].Text));
            traces[i].End(generations[i].Finish == Engine.Generation.FinishReason.Length ? ThreadStatus.Failed : ThreadStatus.Finished,
                generations[i].Finish == Engine.Generation.FinishReason.Length ? "ran out of tokens before finishing" : null);
        }
        int chosen = mode == ConsensusMode.Majority ? Majority(answers) : AnyCorrect(traces, prompt, verify ?? (_ => false));
        return new ConsensusResult(traces, answers, chosen);
    }

    private static int Majority(IReadOnlyList<string?> answers)
    {
        var counts = answers.Where(a => a is not null).GroupBy(a => a!).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 0)
            return -1;
        int best = counts.Values.Max();
        for (int i = 0; i < answers.Count; i++)
            if (answers[i] is { } a && counts[a] == best)
                return i;
        return -1;
    }

    private static int AnyCorrect(IReadOnlyList<ReasoningThread> traces, string prompt, Func<string, bool> verify)
    {
        for (int i = 0; i < traces.Count; i++)
            if (verify(traces[i].Text))
                return i;
        return -1;
    }
}
