using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>Bounds the runner applies on top of the run's <see cref="ThreadBudget"/>.</summary>
public sealed record ProtocolLimits
{
    /// <summary>Most rounds of children (spawns and forks) one thread may start.</summary>
    public int MaxRounds { get; init; } = int.MaxValue;
}
