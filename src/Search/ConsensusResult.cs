using Reasoning.Threads;

namespace Reasoning.Search;

/// <summary>How N traces are combined.</summary>
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
/// <param name="Chosen">The index of the chosen trace, or −1 when no trace qualifies.</param>
public sealed record ConsensusResult(IReadOnlyList<ReasoningThread> Traces, IReadOnlyList<string?> Answers, int Chosen);
