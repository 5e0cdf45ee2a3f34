using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>How a thread ends: its status and the reason recorded in the tree.</summary>
/// <param name="Status">Finished, failed or cancelled.</param>
/// <param name="Reason">Why (null for a plain finish).</param>
public sealed record StopOutcome(ThreadStatus Status, string? Reason)
{
    /// <summary>A normal end with <paramref name="reason"/>.</summary>
    public static StopOutcome Finished(string? reason = null) => new(ThreadStatus.Finished, reason);

    /// <summary>An abnormal end with <paramref name="reason"/>.</summary>
    public static StopOutcome Failed(string reason) => new(ThreadStatus.Failed, reason);
}
