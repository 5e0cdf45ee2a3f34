namespace Reasoning.Threads;

/// <summary>Why a thread (or one generation call) ended.</summary>
public enum ThreadOutcomeKind
{
    /// <summary>Done normally (an end-of-sequence token, or the protocol finished with the thread).</summary>
    Finished,
    /// <summary>A stop string ended it.</summary>
    StopString,
    /// <summary>A token budget (of the call, the thread or the run) ran out.</summary>
    Budget,
    /// <summary>The context window is full.</summary>
    ContextFull,
    /// <summary>The model wrote something the protocol cannot read.</summary>
    Malformed,
    /// <summary>Cancelled (by the caller, the run's wall time, or the run's end).</summary>
    Cancelled,
    /// <summary>An error ended it.</summary>
    Failed,
}

/// <summary>A typed reason for a thread's end, with a readable detail.</summary>
/// <param name="Kind">What ended it.</param>
/// <param name="Detail">What exactly (the stop string, the bound, the error), when there is more to say.</param>
public sealed record ThreadOutcome(ThreadOutcomeKind Kind, string? Detail = null)
{
    /// <summary>The status a thread that ended this way has: finished, cancelled or failed.</summary>
    public ThreadStatus Status => Kind switch
    {
        ThreadOutcomeKind.Finished or ThreadOutcomeKind.StopString => ThreadStatus.Finished,
        ThreadOutcomeKind.Cancelled => ThreadStatus.Cancelled,
        _ => ThreadStatus.Failed,
    };

    /// <summary>The outcome of an end given only as a status and a reason (the reason becomes the detail).</summary>
    public static ThreadOutcome FromStatus(ThreadStatus status, string? reason) => new(status switch
    {
        ThreadStatus.Cancelled => ThreadOutcomeKind.Cancelled,
        ThreadStatus.Failed => ThreadOutcomeKind.Failed,
        _ => ThreadOutcomeKind.Finished,
    }, reason);

    /// <summary>The kind as written in JSON and events: snake_case (<c>stop_string</c>, <c>context_full</c>).</summary>
    public string KindName => Kind switch
    {
        ThreadOutcomeKind.StopString => "stop_string",
        ThreadOutcomeKind.ContextFull => "context_full",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
