using System.Threading.Channels;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;

namespace Reasoning.Engine.Generation;

/// <summary>
/// Owns a model, its KV page pool and one loop thread. Callers on any thread create <see cref="EngineSequence"/>s and
/// submit work; each step the loop takes every ready sequence (continuous batching) under a token budget — decode
/// rows first, then prompt chunks — runs one batched forward pass, samples each row from its own random stream and
/// streams the tokens back through channels.
/// </summary>
/// <remarks>
/// Three parts: the <see cref="Scheduler"/> (a pure policy: which jobs feed how many tokens), the
/// <see cref="StepRunner"/> (the forward pass and each row's draw and scores) and the loop (this class: admission,
/// holds, the lock, post-processing). <see cref="KvLock"/> guards scheduling, admission and post-processing and every
/// change a caller makes to a sequence; the forward pass runs outside it, so a fork or a truncation on another thread
/// waits for at most a step's bookkeeping, never for a whole step.
/// </remarks>
public sealed partial class InferenceEngine : IDisposable
{
    private readonly ThreadTeam _team;
    private readonly StepRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly Channel<GenerationJob> _incoming = Channel.CreateUnbounded<GenerationJob>();
    private readonly AutoResetEvent _wake = new(false);
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
        if (Options.MaxUnreadTokens < 1)
            throw new InvalidRequestException($"EngineOptions.MaxUnreadTokens is {Options.MaxUnreadTokens}; it bounds the tokens a generation streams ahead of its reader and must be at least 1 (the default is 4096).");
        _team = new ThreadTeam(Options.Threads);
        _runner = new StepRunner(model, _team);
        _scheduler = new Scheduler(Options.MaxStepTokens, Options.PrefillChunk);
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

    /// <summary>Tells the loop that something changed (work arrived, pages were released, a job was cancelled).</summary>
    internal void Wake()
    {
        if (_stop.IsCancellationRequested)
            return;   // the loop has ended or is ending; nothing to wake
        try
        {
            _wake.Set();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Runs before each step on the loop thread; tests make it throw to check that a fault ends no process.</summary>
    internal Action? StepFaultForTests;

    /// <summary>Runs on the loop thread as a planned step starts, outside the lock; tests hold a step in flight with it.</summary>
    internal Action? StepRunningForTests;

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
            // A sequence disposed while busy kept its pages until now: the pass may have been reading them.
            if (seq.Disposed)
                seq.Kv.Dispose();
        }
        job.WakeOnCancel.Dispose();
        if (error is null)
            job.Output.Writer.TryComplete();
        else
            job.Output.Writer.TryComplete(error);
        job.Done.TrySetResult();
        Wake();
    }

    /// <summary>Stops the loop, fails running generations and frees the KV memory.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _incoming.Writer.TryComplete();
        _loop.Join();
        _runner.Dispose();
        _team.Dispose();
        Pool.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }
}
