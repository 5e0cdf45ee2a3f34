using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>How a thread ended under its policy.</summary>
/// <param name="Thread">The thread (its text stays readable after it ended).</param>
/// <param name="Outcome">The outcome its policy stopped it with.</param>
/// <param name="LastGeneration">Its last generation call (null when it generated nothing).</param>
/// <param name="Rounds">Rounds of children (spawns and forks) it completed.</param>
public sealed record ThreadResult(ReasoningThread Thread, StopOutcome Outcome, ThreadGeneration? LastGeneration, int Rounds);
