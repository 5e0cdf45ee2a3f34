using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>How a thread ends: its status and the reason recorded in the tree, and optionally the typed kind.</summary>
/// <param name="Status">Finished, failed or cancelled.</param>
/// <param name="Reason">Why (null for a plain finish).</param>
public sealed record StopOutcome(ThreadStatus Status, string? Reason)
{
    private readonly ThreadOutcomeKind? _kind;

    /// <summary>
    /// The typed kind the thread ends with (a budget, a stop string, malformed output...); null: the kind that follows
    /// from <see cref="Status"/> (finished, failed or cancelled).
    /// </summary>
    /// <exception cref="ArgumentException">The kind implies another status than <see cref="Status"/>.</exception>
    public ThreadOutcomeKind? Kind
    {
        get => _kind;
        init
        {
            if (value is { } kind && new ThreadOutcome(kind).Status != Status)
                throw new ArgumentException($"a thread that ends as {kind} has status {new ThreadOutcome(kind).Status}, not {Status}.", nameof(Kind));
            _kind = value;
        }
    }

    /// <summary>A normal end with <paramref name="reason"/>.</summary>
    public static StopOutcome Finished(string? reason = null) => new(ThreadStatus.Finished, reason);

    /// <summary>An abnormal end with <paramref name="reason"/>.</summary>
    public static StopOutcome Failed(string reason) => new(ThreadStatus.Failed, reason);

    /// <summary>An end with a typed outcome (its status follows from the kind; the detail is the reason).</summary>
    public static StopOutcome Of(ThreadOutcome outcome) => new(outcome.Status, outcome.Detail) { Kind = outcome.Kind };

    /// <summary>The thread layer's typed outcome for this end: <see cref="Kind"/> when set, else the one of <see cref="Status"/>.</summary>
    public ThreadOutcome ToThreadOutcome() => Kind is { } kind ? new ThreadOutcome(kind, Reason) : ThreadOutcome.FromStatus(Status, Reason);
}
