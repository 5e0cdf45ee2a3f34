using Reasoning.Orchestrator;

namespace Reasoning.Agents.Chat;

/// <summary>What a model writes when its tool call cannot be read.</summary>
public enum MalformedToolCallHandling
{
    /// <summary>Raise <see cref="MalformedToolCallException"/> (the default: a silent text answer would hide the failure).</summary>
    Throw,
    /// <summary>Return the model's raw output as the answer's text, with no calls.</summary>
    ReturnText,
}

/// <summary>Settings of a <see cref="ReasoningChatClient"/>; every <c>ChatOptions</c> value a request sets wins over these defaults.</summary>
public sealed record ReasoningChatClientOptions
{
    /// <summary>The model's name in responses and metadata.</summary>
    public string ModelId { get; init; } = "reasoning-local";

    /// <summary>Most tokens an answer may have when the request sets no <c>MaxOutputTokens</c>.</summary>
    public int DefaultMaxOutputTokens { get; init; } = 512;

    /// <summary>Temperature when the request sets none (0: greedy, reproducible).</summary>
    public float DefaultTemperature { get; init; }

    /// <summary>What happens when the model writes a tool call that cannot be read.</summary>
    public MalformedToolCallHandling MalformedToolCalls { get; init; } = MalformedToolCallHandling.Throw;

    /// <summary>Where <c>reasoning_strategy</c> names are resolved.</summary>
    public StrategyRegistry Strategies { get; init; } = StrategyRegistry.Default;

    /// <summary>
    /// Builds the task a strategy reasons on from the rendered prompt. Null: the generic chat task
    /// (<see cref="ChatReasoningTask"/>), on which strategies that need task knowledge (APR's child contexts, pass@N's
    /// verifier) are refused. Give one (Countdown's, for example) to run every strategy.
    /// </summary>
    public Func<string, IReasoningTask>? TaskFactory { get; init; }

    /// <summary>Most threads one strategy run may hold.</summary>
    public int MaxThreads { get; init; } = 64;
}
