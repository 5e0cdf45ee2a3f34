namespace Reasoning.Agents.Application;

/// <summary>The defaults a host (the CLI, the MCP server, a kernel) gives every request that does not set its own.</summary>
public sealed record ReasoningHostOptions
{
    /// <summary>
    /// The model folder for requests that name none (null: the shipped Countdown models, which answer only Countdown
    /// questions). With a general model here, <see cref="Reason"/> and <see cref="Explore"/> answer any question as plain generations.
    /// </summary>
    public string? ModelDirectory { get; init; }
    /// <summary>How each request's engine is built.</summary>
    public EngineSettings Engine { get; init; } = new();
    /// <summary>Model runs at once in this host (<see cref="RunGate"/>); more requests wait their turn. Default 1: each run's engine takes every core.</summary>
    public int MaxConcurrentRuns { get; init; } = 1;
    /// <summary>Wall-clock limit of one run (null: none); a server sets one so no call holds it forever.</summary>
    public TimeSpan? WallTime { get; init; }
}
