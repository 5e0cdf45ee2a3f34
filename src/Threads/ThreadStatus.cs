namespace Reasoning.Threads;

/// <summary>Where a thread is in its life.</summary>
public enum ThreadStatus
{
    /// <summary>Created, not generating.</summary>
    Idle,
    /// <summary>Generating tokens.</summary>
    Running,
    /// <summary>Waiting for its children.</summary>
    Waiting,
    /// <summary>Done normally.</summary>
    Finished,
    /// <summary>Ended by an error, a budget or a malformed output; see the thread's end reason.</summary>
    Failed,
    /// <summary>Cancelled.</summary>
    Cancelled,
}
