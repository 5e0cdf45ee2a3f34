namespace Reasoning.Threads;

/// <summary>Something that happened in a run, streamed as it happens.</summary>
/// <param name="ThreadId">The thread concerned.</param>
/// <param name="ElapsedMilliseconds">Time since the run started.</param>
public abstract record ReasoningEvent(int ThreadId, double ElapsedMilliseconds);

/// <summary>A thread was created.</summary>
public sealed record ThreadStarted(int ThreadId, double ElapsedMilliseconds, int? ParentId, string Name) : ReasoningEvent(ThreadId, ElapsedMilliseconds);

/// <summary>A thread generated tokens.</summary>
public sealed record TokensGenerated(int ThreadId, double ElapsedMilliseconds, string Text, int TokenCount) : ReasoningEvent(ThreadId, ElapsedMilliseconds);

/// <summary>A thread started children.</summary>
public sealed record ThreadsSpawned(int ThreadId, double ElapsedMilliseconds, IReadOnlyList<int> ChildIds) : ReasoningEvent(ThreadId, ElapsedMilliseconds);

/// <summary>A thread received its children's results.</summary>
public sealed record ThreadsJoined(int ThreadId, double ElapsedMilliseconds, IReadOnlyList<int> ChildIds) : ReasoningEvent(ThreadId, ElapsedMilliseconds);

/// <summary>A thread ended; <paramref name="Outcome"/> says why, typed.</summary>
public sealed record ThreadEnded(int ThreadId, double ElapsedMilliseconds, ThreadStatus Status, string? Reason, ThreadOutcome? Outcome = null)
    : ReasoningEvent(ThreadId, ElapsedMilliseconds);
