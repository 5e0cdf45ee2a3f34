using System.Diagnostics;
using System.Threading.Channels;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>
/// Owns a model, its KV page pool and one loop thread. Callers on any thread create <see cref="EngineSequence"/>s and
/// submit work; each step the loop takes every ready sequence (continuous batching) under a token budget — decode
/// rows first, then prompt chunks — runs one batched forward pass, samples each row from its own random stream and
/// streams the tokens back through channels.
/// </summary>
public sealed partial class InferenceEngine : IDisposable
{
    private readonly ForwardPass _pass;
    private readonly ThreadTeam _team;
    private readonly Channel<GenerationJob> _incoming = Channel.CreateUnbounded<GenerationJob>();
    private readonly List<GenerationJob> _active = [];
    private readonly List<GenerationJob> _held = [];
    private int _holds;
    private readonly Thread _loop;
    private readonly CancellationTokenSource _stop = new();
    private long _steps;
    private long _preemptions;
    private long _arrivals;
    private long _stallSince;

    internal readonly Lock KvLock = new();

    /// <summary>The model.</summary>
    public TransformerModel Model { get; }
    /// <summary>The KV page pool.</summary>
    public PagePool Pool { get; }
    /// <summary>The settings.</summary>
    public EngineOptions Options { get; }
    /// <summary>Jobs preempted (pages released, recomputed later) because the KV cache was full.</summary>
    public long Preemptions => Interlocked.Read(ref _preemptions);
    /// <summary>Forward steps run so far.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Starts an engine over <paramref name="model"/> (which stays owned by the caller).</summary>
    public InferenceEngine(TransformerModel model, EngineOptions? options = null)
    {
        Model = model;
        Options = options ?? new EngineOptions();
        _team = new ThreadTeam(Options.Threads);
        _pass = new ForwardPass(model, _team);
        Pool = PagePool.WithMemory(model.Config, Options.KvMemoryBytes, Options.PageSize, Options.KvDType);
        _loop = new Thread(Loop) { IsBackground = true, Name = "reasoning-engine-loop" };
        _loop.Start();
    }

    /// <summary>A new, empty sequence whose first token sits at <paramref name="startPosition"/>.</summary>
    public EngineSequence CreateSequence(int startPosition = 0)
    {
        lock (KvLock)
            return new EngineSequence(this, new KvSequence(Pool, startPosition));
    }

    /// <summary>A new sequence holding <paramref name="tokens"/> (not computed until it is fed or generates).</summary>
    public EngineSequence CreateSequence(IEnumerable<int> tokens)
    {
        var s = CreateSequence();
        s.Append(tokens);
        return s;
    }

    internal GenerationJob Submit(EngineSequence sequence, bool sample, SamplingOptions options, Func<int, bool>? stop, CancellationToken ct)
    {
        options.Validate(Model.Config.VocabSize);
        int context = Model.Config.MaxPositionEmbeddings;
        lock (KvLock)
        {
            sequence.ThrowIfUnusable();
            if (sample)
                sequence.ThrowIfTailNeedsTokens();
            if (sequence.History.Count > context)
                throw new InvalidRequestException($"the prompt holds {sequence.History.Count} tokens but the model's context window is {context}; shorten the prompt.");
            long neededPages = (sequence.History.Count + (long)Options.PageSize - 1) / Options.PageSize;
            if (neededPages > Pool.PageCount)
                throw new KvCacheExhaustedException($"the sequence needs {neededPages} KV pages but the pool has only {Pool.PageCount}; give the engine more KV memory.");
            foreach (int t in sequence.History)
                if ((uint)t >= (uint)Model.Config.VocabSize)
                    throw new InvalidRequestException($"token id {t} is outside the vocabulary [0, {Model.Config.VocabSize}).");
            if (sample && sequence.FedCount == sequence.History.Count)
            {
                if (sequence.History.Count == 0)
                    throw new InvalidRequestException("there is nothing to generate from: the prompt is empty. Give at least one token.");
                // Everything is computed already: re-feed the last token to get the logits that follow it.
                sequence.FedCount--;
                sequence.Kv.Truncate(sequence.FedCount);
            }
            sequence.Busy = true;
            var job = new GenerationJob
            {
                Sequence = sequence,
                Input = [.. sequence.History.Skip(sequence.FedCount)],
                Sample = sample,
                Options = options,
                MaxTokens = Math.Min(options.MaxTokens, context - sequence.History.Count),
                StopCondition = stop,
                Cancellation = ct,
                Random = new RandomStream(options.Seed),
                Arrival = ++_arrivals,
            };
            if (!_incoming.Writer.TryWrite(job))
            {
                sequence.Busy = false;
                throw new ObjectDisposedException(nameof(InferenceEngine));
            }
            return job;
        }
    }

    internal void Wake() => _incoming.Writer.TryWrite(Nudge);

    private static readonly GenerationJob Nudge = new()
    {
        Sequence = null!, Input = [], Sample = false, Options = new SamplingOptions(), MaxTokens = 0,
    };

    private void Loop()
    {
        var reader = _incoming.Reader;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Admit(reader);
                if (_active.Count == 0)
                {
                    if (!reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                        break;
                    continue;
                }
                StepFaultForTests?.Invoke();
                RunStep();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // An internal error outside the per-job guards: an unhandled exception here would end the process.
                // Fail what is in flight (their callers see a typed error) and keep serving.
                FailInFlight(new EngineFaultException(e));
            }
        }
        while (reader.TryRead(out var late))
            if (!ReferenceEquals(late, Nudge))
                _held.Add(late);
        foreach (var job in _active.Concat(_held))
            Finish(job, null, new ObjectDisposedException(nameof(InferenceEngine), "the engine was disposed while this generation ran."));
        _active.Clear();
        _held.Clear();
    }

    /// <summary>Runs before each step on the loop thread; tests make it throw to check that a fault ends no process.</summary>
    internal Action? StepFaultForTests;

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

    private void RunStep()
    {
        TimeSpan stallWait = TimeSpan.Zero;
        RunStepLocked(ref stallWait);
        if (stallWait > TimeSpan.Zero)
        {
            // Wait outside the lock for a sequence to release pages (Dispose and Truncate nudge the loop) or new work.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(stallWait);
            try
            {
                _incoming.Reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void RunStepLocked(ref TimeSpan stallWait)
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
                return;
            int budget = Options.MaxStepTokens;
            foreach (var job in _active.OrderBy(j => j.Remaining > 1 ? 1 : 0))
            {
                int n = Math.Min(job.Remaining, Math.Min(Options.PrefillChunk, budget));
                if (n == 0)
                    continue;
                if (job.Preempted)
                {
                    // Resume only when the whole recomputation fits (or nothing older is left): a partial restart
                    // would take pages from older jobs and be preempted again.
                    long needed = (job.Input.Count + 1L + Pool.PageSize - 1) / Pool.PageSize;
                    if (!ReferenceEquals(job, _active[0]) && Pool.FreeCount < needed)
                        continue;
                    job.Preempted = false;
                }
                try
                {
                    job.Sequence.Kv.Reserve(n);
                }
                catch (KvCacheExhaustedException)
                {
                    continue;   // waits for pages; handled below if nothing at all can run
                }
                bool last = n == job.Remaining;
                rows.Add(new BatchRow(job.Sequence.Kv, job.Input.GetRange(job.Fed, n).ToArray(), SkipLogits: !(last && job.Sample)));
                jobs.Add(job);
                budget -= n;
            }
            if (rows.Count == 0)
            {
                stallWait = ResolveStall();
                return;
            }
            _stallSince = 0;
            ReadOnlyMemory<float>[] logits;
            try
            {
                logits = _pass.StepShared(rows);
            }
            catch (Exception e)
            {
                foreach (var job in jobs)
                {
                    _active.Remove(job);
                    Finish(job, null, e);
                }
                return;
            }
            Interlocked.Increment(ref _steps);
            var samples = SampleRows(jobs, rows, logits);
            for (int r = 0; r < rows.Count; r++)
            {
                try
                {
                    Advance(jobs[r], rows[r].Tokens.Length, samples[r]);
                }
                catch (Exception e)
                {
                    // The job's own code (its stop condition) failed: that generation fails, the loop and the other rows go on.
                    if (_active.Remove(jobs[r]))
                        Finish(jobs[r], null, e);
                }
            }
        }
    }

    /// <summary>
    /// No running sequence could get a page. Preempt the newest job that holds pages (release them; it is recomputed
    /// from its tokens later, exactly, since results do not depend on the batch) so that older jobs can go on. The
    /// oldest job is never preempted, so it always finishes: no livelock. When nothing can be preempted, the pages are
    /// held by idle sequences and, after <see cref="EngineOptions.StallTimeout"/>, the newest job fails with a typed error.
    /// </summary>
    private TimeSpan ResolveStall()
    {
        for (int i = _active.Count - 1; i >= 1; i--)
        {
            var job = _active[i];
            var kv = job.Sequence.Kv;
            bool canPreempt = kv.Length > 0 && kv.Spans.Count == 1 && kv.Tail.StoredStart == 0 && kv.Tail.LogicalStart == 0;
            if (!canPreempt)
                continue;
            kv.Truncate(0);
            job.Sequence.FedCount = 0;
            job.Input.Clear();
            job.Input.AddRange(job.Sequence.History);
            job.Fed = 0;
            job.Preempted = true;
            Interlocked.Increment(ref _preemptions);
            _stallSince = 0;
            return TimeSpan.Zero;
        }
        long now = Stopwatch.GetTimestamp();
        if (_stallSince == 0)
            _stallSince = now;
        var waited = Stopwatch.GetElapsedTime(_stallSince, now);
        if (waited < Options.StallTimeout)
            return Options.StallTimeout - waited;
        _stallSince = 0;
        var victim = _active[^1];
        _active.RemoveAt(_active.Count - 1);
        Finish(victim, null, new KvCacheExhaustedException(
            $"the KV cache is full ({Pool.PageCount} pages of {Pool.PageSize} tokens, {Pool.FreeCount} free) and no running sequence could advance for {Options.StallTimeout.TotalSeconds:0.#} s; dispose idle sequences or give the engine more KV memory."));
        return TimeSpan.Zero;
    }

    private static bool Abandoned(GenerationJob job) =>
        job.CancelRequested || job.Cancellation.IsCancellationRequested || job.Sequence.Disposed;

    // Cancelled through its token: the caller sees OperationCanceledException; dropped by its reader: ends quietly.
    private void FinishAbandoned(GenerationJob job) =>
        Finish(job, null, job.Cancellation.IsCancellationRequested ? new OperationCanceledException(job.Cancellation) : null);

    private void Finish(GenerationJob job, FinishReason? reason, Exception? error)
    {
        var seq = job.Sequence;
        lock (KvLock)
        {
            seq.Busy = false;
            if (seq.Disposed)
                seq.Kv.Dispose();
        }
        if (error is null)
            job.Output.Writer.TryComplete();
        else
            job.Output.Writer.TryComplete(error);
        job.Done.TrySetResult();
    }

    /// <summary>Stops the loop, fails running generations and frees the KV memory.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _incoming.Writer.TryComplete();
        _loop.Join();
        _pass.Dispose();
        _team.Dispose();
        Pool.Dispose();
        _stop.Dispose();
    }
}
