using Reasoning.Threads;

namespace Reasoning.Search;

/// <summary>
/// Self-consistency (Wang et al., 2022): sample N traces, read each one's answer, keep the most frequent answer
/// (cons@N); and its oracle counterpart pass@N, the first trace a verifier accepts.
/// </summary>
public static class SelfConsistency
{
    /// <summary>
    /// The index of the majority answer: the answer given most often (ordinal comparison; null answers do not vote);
    /// among answers tied for most votes, the one whose first trace comes earliest; returns that first trace.
    /// −1 when no answer is given.
    /// </summary>
    public static int Majority(IReadOnlyList<string?> answers)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in answers)
            if (a is not null)
                counts[a] = counts.GetValueOrDefault(a) + 1;
        if (counts.Count == 0)
            return -1;
        int best = counts.Values.Max();
        for (int i = 0; i < answers.Count; i++)
            if (answers[i] is { } a && counts[a] == best)
                return i;
        return -1;
    }

    /// <summary>The index of the first item <paramref name="verify"/> accepts, or −1.</summary>
    public static int FirstVerified<T>(IReadOnlyList<T> items, Func<T, bool> verify)
    {
        for (int i = 0; i < items.Count; i++)
            if (verify(items[i]))
                return i;
        return -1;
    }

    /// <summary>
    /// Combines finished traces: reads each one's answer with <paramref name="answerOf"/> and chooses by
    /// <paramref name="mode"/> (<paramref name="verify"/> judges traces for <see cref="ConsensusMode.AnyCorrect"/>;
    /// without it no trace is accepted).
    /// </summary>
    public static ConsensusResult Combine(IReadOnlyList<ReasoningThread> traces, ConsensusMode mode, Func<string, string?> answerOf, Func<string, bool>? verify = null)
    {
        var answers = traces.Select(t => answerOf(t.Text)).ToList();
        int chosen = mode == ConsensusMode.Majority
            ? Majority(answers)
            : FirstVerified(traces, t => (verify ?? (_ => false))(t.Text));
        return new ConsensusResult(traces, answers, chosen);
    }
}
