using Reasoning.Threads;

namespace Reasoning.Orchestrator.Tests.Legacy;

// cons@N / pass@N as they were before they moved onto the ProtocolRunner and Reasoning.Search, kept as the reference.
/// <summary>
/// cons@N and pass@N: N serial traces forked from one prompt (the prompt's KV is shared) and generated in one batch,
/// then combined by majority vote or by "any correct".
/// </summary>
internal static class LegacyConsensusProtocol
{
    /// <summary>
    /// Runs <paramref name="n"/> traces. <paramref name="answerOf"/> reads a trace's answer key;
    /// <paramref name="verify"/> (for <see cref="ConsensusMode.AnyCorrect"/>) says whether a trace is right.
    /// </summary>
    public static async Task<(IReadOnlyList<ReasoningThread> Traces, IReadOnlyList<string?> Answers, int Chosen)> RunAsync(ThreadRun run, string prompt, int n, bool majority, ThreadGenerationOptions options,
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
        int chosen = majority ? Majority(answers) : AnyCorrect(traces, prompt, verify ?? (_ => false));
        return (traces, answers, chosen);
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
