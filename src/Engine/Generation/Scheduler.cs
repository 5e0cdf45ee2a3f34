namespace Reasoning.Engine.Generation;

/// <summary>What the scheduler needs to know of a running job, and the two things it may do to it.</summary>
internal interface ISchedulable
{
    /// <summary>Tokens still to feed (1 for a decoding row).</summary>
    int Remaining { get; }

    /// <summary>Preempted and not yet resumed: its KV is gone and its whole input is to be recomputed.</summary>
    bool Preempted { get; set; }

    /// <summary>KV pages its whole recomputation needs (asked only while <see cref="Preempted"/>).</summary>
    int ResumePages { get; }

    /// <summary>Whether preempting it would return pages to the pool (it holds pages no other view shares).</summary>
    bool CanPreempt { get; }

    /// <summary>Reserves KV room for its next <paramref name="tokens"/> tokens; false when the pool is short.</summary>
    bool TryReserve(int tokens);

    /// <summary>Releases its KV and marks it for recomputation from its tokens.</summary>
    void Preempt();

    /// <summary>
    /// Its reader has fallen behind by the engine's bound of unread tokens: it gets no row until the reader catches
    /// up, and it keeps its pages meanwhile (it is neither preempted nor counted as stalled).
    /// </summary>
    bool WaitsForReader { get; }
}

/// <summary>One step's plan: the rows to run, or, when none can run, the job preempted or a stall.</summary>
/// <typeparam name="T">The job type.</typeparam>
internal sealed class StepPlan<T> where T : class, ISchedulable
{
    /// <summary>Each row: a job and how many of its input tokens to feed this step.</summary>
    public List<(T Job, int Tokens)> Rows { get; } = [];

    /// <summary>Set when no row could run and this job was preempted to free pages for older ones.</summary>
    public T? Preempted { get; set; }

    /// <summary>Jobs that got no row because their readers are behind (<see cref="ISchedulable.WaitsForReader"/>).</summary>
    public List<T> WaitingForReaders { get; } = [];

    /// <summary>No row could run and preempting would free nothing: the pages are held elsewhere, or every job waits for its reader.</summary>
    public bool Stalled => Rows.Count == 0 && Preempted is null;

    /// <summary>No row could run because every job waits for its reader: nothing to do until a reader reads.</summary>
    public bool OnlyReadersBehind(int running) => Stalled && WaitingForReaders.Count == running;
}

/// <summary>
/// The engine's scheduling policy, pure (no model, no threads): which running jobs feed how many tokens in the next
/// step. Decoding rows come first, then prompt chunks of at most <see cref="PrefillChunk"/> tokens, all under a
/// budget of <see cref="MaxStepTokens"/>. A job that cannot get KV pages waits; when no job at all can run, the newest
/// job whose preemption frees pages is preempted (recomputed later, exactly, since results do not depend on the
/// batch), never the oldest, so the oldest always finishes and there is no livelock. A preempted job resumes only
/// when its whole recomputation fits (or it is the oldest), since a partial restart would take pages from older jobs
/// and be preempted again. A job whose reader is behind (<see cref="ISchedulable.WaitsForReader"/>) sits out the step
/// with its pages kept and is left out of all of this: it is never preempted, and the oldest of the others takes the
/// oldest's part. Its tokens do not depend on when it runs, so pausing it changes no result.
/// </summary>
/// <param name="MaxStepTokens">Most tokens fed in one step over all rows.</param>
/// <param name="PrefillChunk">Most input tokens of one job fed in one step.</param>
internal sealed record Scheduler(int MaxStepTokens, int PrefillChunk)
{
    /// <summary>Plans a step over <paramref name="running"/> (oldest first) with <paramref name="freePages"/> telling the pool's free pages.</summary>
    public StepPlan<T> Plan<T>(IReadOnlyList<T> running, Func<int> freePages) where T : class, ISchedulable
    {
        var plan = new StepPlan<T>();
        // One snapshot: a reader may catch up while the plan is made, and the plan must use one view of who waits.
        var runnable = new List<T>(running.Count);
        foreach (var job in running)
            (job.WaitsForReader ? plan.WaitingForReaders : runnable).Add(job);
        int budget = MaxStepTokens;
        // Decoding rows first (a stable order keeps the oldest first within each group).
        foreach (var job in runnable.Where(j => j.Remaining == 1).Concat(runnable.Where(j => j.Remaining > 1)))
        {
            int n = Math.Min(job.Remaining, Math.Min(PrefillChunk, budget));
            if (n == 0)
                continue;
            if (job.Preempted)
            {
                if (!ReferenceEquals(job, runnable[0]) && freePages() < job.ResumePages)
                    continue;
                job.Preempted = false;
            }
            if (!job.TryReserve(n))
                continue;
            plan.Rows.Add((job, n));
            budget -= n;
        }
        if (plan.Rows.Count > 0)
            return plan;
        for (int i = runnable.Count - 1; i >= 1; i--)
        {
            if (!runnable[i].CanPreempt)
                continue;
            runnable[i].Preempt();
            plan.Preempted = runnable[i];
            break;
        }
        return plan;
    }
}
