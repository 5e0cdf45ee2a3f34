using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>A way of reasoning on a task (APR, SoS+, cons@N, pass@N), picked by name from a <see cref="StrategyRegistry"/>.</summary>
public interface IReasoningStrategy
{
    /// <summary>The strategy's name as the registry parses it, e.g. <c>cons@4</c>.</summary>
    string Name { get; }

    /// <summary>Runs the strategy on <paramref name="task"/> in <paramref name="run"/>.</summary>
    Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default);
}

/// <summary>Settings shared by every strategy.</summary>
public sealed record StrategyOptions
{
    /// <summary>Generation settings of every thread (APR's parent and children alike; each cons@N trace's seed is <c>Seed + i</c>).</summary>
    public ThreadGenerationOptions Generation { get; init; } = new() { MaxTokens = 4096 };

    /// <summary>Most rounds of children the root may start (APR's spawn rounds).</summary>
    public int MaxRounds { get; init; } = 8;

    /// <summary>Settings of the step-level search strategies (A*, beam, particle filtering, best-of-N).</summary>
    public SearchStrategyOptions Search { get; init; } = new();
}

/// <summary>How a strategy's run ended.</summary>
/// <param name="Root">The root thread: the tree's top.</param>
/// <param name="Trace">The trace the answer is read from (null when the strategy chose none).</param>
/// <param name="FailureReason">Why the run gave no usable trace or ended abnormally (null when it finished).</param>
/// <param name="Rounds">Rounds of children the root completed.</param>
/// <param name="Candidates">The traces the strategy chose among (the root alone for APR and SoS+).</param>
/// <param name="Answers">Each candidate's answer key (null when it states none).</param>
/// <param name="Chosen">The chosen candidate's index, or −1.</param>
public sealed record StrategyResult(ReasoningThread Root, string? Trace, string? FailureReason, int Rounds,
    IReadOnlyList<ReasoningThread> Candidates, IReadOnlyList<string?> Answers, int Chosen)
{
    /// <summary>A step-level search's result (its tree, tokens and reward-model calls); null for the other strategies.</summary>
    public Reasoning.Search.SearchResult? Search { get; init; }
}
