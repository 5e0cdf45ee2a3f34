using System.Diagnostics;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kv;

namespace Reasoning.Engine.Generation;

// The loop: admit, plan under the lock, run the step outside it, post-process under it; wait on the wake signal.
public sealed partial class InferenceEngine
{
    private void Loop()
    {
        var reader = _incoming.Reader;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Admit(reader);
                bool idle;
                lock (KvLock)
                    idle = _active.Count == 0;
                if (idle)
                {
                    WaitForSignal(Timeout.InfiniteTimeSpan);
                    continue;
                }
                StepFaultForTests?.Invoke();
                var wait = RunStep();
                if (wait != TimeSpan.Zero)
                    WaitForSignal(wait);   // for pages, a reader, new work (Dispose, Truncate, reads and cancellation wake the loop)
            }
            catch (Exception e)
            {
                // An internal error outside the per-job guards: an unhandled exception here would end the process.
                // Fail what is in flight (their callers see a typed error) and keep serving.
                FailInFlight(new EngineFaultException(e));
            }
        }
        List<GenerationJob> left;
        lock (KvLock)
        {
            while (reader.TryRead(out var late))
                _held.Add(late);
            left = [.. _active, .. _held];
            _active.Clear();
            _held.Clear();
        }
        foreach (var job in left)
            Finish(job, null, new ObjectDisposedException(nameof(InferenceEngine), "the engine was disposed while this generation ran."));
    }

    private void WaitForSignal(TimeSpan timeout)
    {
        if (!_stop.IsCancellationRequested)
            WaitHandle.WaitAny([_wake, _stop.Token.WaitHandle], timeout);
    }

    private void FailInFlight(Exception error)
    {
        List<GenerationJob> failed;
        lock (KvLock)
        {
            failed = [.. _active, .. _held];
            _active.Clear();
            _held.Clear();
            _stallSince = 0;
        }
        foreach (var job in failed)
            Finish(job, null, error);
    }

    /// <summary>One step; returns how long to wait for a signal before the next (zero: go on at once; infinite: until woken).</summary>
    private TimeSpan RunStep()
    {
        var rows = new List<BatchRow>();
        var jobs = new List<GenerationJob>();
        lock (KvLock)
        {
            for (int i = _active.Count - 1; i >= 0; i--)
            {
                var job = _active[i];
                if (Abandoned(job))
                {
                    _active.RemoveAt(i);
                    FinishAbandoned(job);
                }
                else if (job.Remaining == 0)
                {
                    _active.RemoveAt(i);
                    Finish(job, null, null);
                }
            }
            if (_active.Count == 0)
                return TimeSpan.Zero;
            var plan = _scheduler.Plan(_active, () => Pool.FreeCount);
            if (plan.Preempted is not null)
            {
                Interlocked.Increment(ref _preemptions);
                _stallSince = 0;
                return TimeSpan.Zero;
            }
            if (plan.OnlyReadersBehind(_active.Count))
            {
                // Every job waits for its reader: not a stall (nothing is short of pages), and a read wakes the loop.
                _stallSince = 0;
                return Timeout.InfiniteTimeSpan;
            }
            if (plan.Stalled)
                return Stall(plan.WaitingForReaders);
            _stallSince = 0;
            foreach (var (job, n) in plan.Rows)
            {
                bool last = n == job.Remaining;
                bool scores = job.ScoresWithin(n);
                rows.Add(new BatchRow(job.Sequence.Kv, job.Input.GetRange(job.Fed, n).ToArray(), AllLogits: scores,
                    SkipLogits: !scores && !(last && job.Sample), OutputPositions: job.ReadsWithin(n)));
                jobs.Add(job);
            }
        }

        RowOutcome[] outcomes;
        try
        {
            StepRunningForTests?.Invoke();
            outcomes = _runner.Run(jobs, rows);
        }
        catch (Exception e)
        {
            lock (KvLock)
                foreach (var job in jobs)
                {
                    _active.Remove(job);
                    Finish(job, null, e);
                }
            return TimeSpan.Zero;
        }
        Interlocked.Increment(ref _steps);
        lock (KvLock)
        {
            // The pass wrote the rows' keys and values; they become visible together with the sequences' computed
            // counts (Advance), so a span attached from another thread never sees one without the other.
            foreach (var row in rows)
                row.Kv.Commit(row.Tokens.Length);
            for (int r = 0; r < rows.Count; r++)
            {
                try
                {
                    Advance(jobs[r], rows[r].Tokens.Length, outcomes[r]);
                }
                catch (Exception e)
                {
                    // This row's post-processing failed (its draw, or its request's text decoder): that generation fails, the
                    // loop and the other rows go on.
                    if (_active.Remove(jobs[r]))
                        Finish(jobs[r], null, e);
                }
            }
        }
        return TimeSpan.Zero;
    }

    /// <summary>
    /// No running job can get a page and preempting one frees none: the pages are held by sequences that are not
    /// running. Wait up to <see cref="EngineOptions.StallTimeout"/> for a release; then every waiting job fails with a
    /// typed error (waiting one timeout per job would keep a large batch idle for minutes). Jobs paused for their
    /// readers (<paramref name="readersBehind"/>) are not short of pages and do not fail.
    /// </summary>
    private TimeSpan Stall(List<GenerationJob> readersBehind)
    {
        long now = Stopwatch.GetTimestamp();
        if (_stallSince == 0)
            _stallSince = now;
        var waited = Stopwatch.GetElapsedTime(_stallSince, now);
        if (waited < Options.StallTimeout)
            return Options.StallTimeout - waited;
        _stallSince = 0;
        long mib = (long)Pool.PageCount * Pool.PageSize * Pool.BytesPerToken >> 20;
        var error = new KvCacheExhaustedException(
            $"the KV cache is full ({Pool.PageCount} pages of {Pool.PageSize} tokens, {mib} MiB, {Pool.FreeCount} free) and no running sequence could get a page for {Options.StallTimeout.TotalSeconds:0.#} s: the pages are held by sequences that are not generating. Dispose finished or idle sequences, run fewer at once, or give the engine more KV memory (--kv-memory).");
        var failed = _active.Except(readersBehind).ToList();
        _active.RemoveAll(failed.Contains);
        foreach (var job in failed)
            Finish(job, null, error);
        return TimeSpan.Zero;
    }
}
