using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.Intrinsics.X86;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// Runs the parts of a parallel region on the cores. The engine owns one team per model; a region's parts must be
/// independent, and each part's work must not depend on how many parts run at once (batch invariance).
/// </summary>
/// <remarks>
/// A decode step has ~170 regions, so dispatch must cost well under a microsecond: the team keeps one worker per
/// extra core, and a worker spins for <see cref="SpinMicroseconds"/> after a region before it blocks on an event
/// (an idle process burns no CPU). Parts are claimed from a shared counter, caller included. A worker that has not
/// woken by the time the caller ran out of parts is skipped rather than waited for — on a shared machine it may be
/// descheduled for milliseconds. A region started while another runs (nested, or from a second thread) runs inline
/// on its caller, so the team can never deadlock.
/// </remarks>
public sealed unsafe class ThreadTeam : IDisposable
{
    /// <summary>How long an idle worker spins waiting for the next region before it sleeps.</summary>
    public const int SpinMicroseconds = 50;

    /// <summary>A region's work, called once per part; a struct so that dispatch allocates nothing.</summary>
    public interface IWork
    {
        /// <summary>Runs part <paramref name="part"/>.</summary>
        void Run(int part);
    }

    private const int Idle = 0, Claimed = 1, Done = 2;

    private readonly Thread[] _workers;
    private readonly ManualResetEventSlim[] _wake;
    private readonly int[] _sleeping;
    private readonly int[] _claim;
    private long _generation;
    private int _busy;
    private volatile bool _disposed;

    // The current region: the caller's work struct lives on its stack, which is safe because the caller does not
    // return before every worker that claimed the region is done, and unclaimed workers can no longer claim it.
    private void* _work;
    private delegate*<void*, int, void> _invoke;
    private int _count;
    private int _next;
    private Exception? _error;

    /// <summary>Number of threads that run parts (including the caller's).</summary>
    public int Size { get; }

    /// <summary>Creates a team of <paramref name="size"/> threads (default: one per core).</summary>
    public ThreadTeam(int size = 0)
    {
        Size = size > 0 ? size : Environment.ProcessorCount;
        _workers = new Thread[Size - 1];
        _wake = new ManualResetEventSlim[Size - 1];
        _sleeping = new int[Size - 1];
        _claim = new int[Size - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _claim[i] = Done;
            _wake[i] = new ManualResetEventSlim(false, 0);
            int index = i;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"ThreadTeam worker {i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Calls <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>) and returns when all are done.</summary>
    /// <remarks>The first exception thrown by a part is rethrown here, after the other parts have stopped.</remarks>
    public void For(int count, Action<int> body) => For(count, new ActionWork(body));

    /// <summary>Calls <paramref name="work"/>.Run(i) for every i in [0, <paramref name="count"/>) without allocating.</summary>
    /// <remarks>The first exception thrown by a part is rethrown here, after the other parts have stopped.</remarks>
    public void For<TWork>(int count, TWork work) where TWork : struct, IWork
    {
        if (count <= 0)
            return;
        if (count == 1 || _workers.Length == 0 || _disposed || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
                work.Run(i);
            return;
        }
        try
        {
            _work = Unsafe.AsPointer(ref work);
            _invoke = &Invoke<TWork>;
            _count = count;
            _next = 0;
            _error = null;
            for (int i = 0; i < _claim.Length; i++)
                Volatile.Write(ref _claim[i], Idle);
            Interlocked.Increment(ref _generation);
            for (int i = 0; i < _sleeping.Length; i++)
                if (Volatile.Read(ref _sleeping[i]) != 0)
                    _wake[i].Set();
            RunParts();
            for (int i = 0; i < _claim.Length; i++)
                if (Interlocked.CompareExchange(ref _claim[i], Done, Idle) == Claimed)
                    WaitUntilDone(i);
            if (_error is { } error)
                ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            _work = null;
            _error = null;
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void Invoke<TWork>(void* work, int part) where TWork : struct, IWork =>
        Unsafe.AsRef<TWork>(work).Run(part);

    private void RunParts()
    {
        int part;
        while ((part = Interlocked.Increment(ref _next) - 1) < _count)
        {
            try
            {
                _invoke(_work, part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
                Volatile.Write(ref _next, _count);
            }
        }
    }

    private void WaitUntilDone(int worker)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref _claim[worker]) != Done)
            spin.SpinOnce(sleep1Threshold: -1);
    }

    private void WorkerLoop(int index)
    {
        long seen = 0;
        while (true)
        {
            seen = WaitForRegion(index, seen);
            if (_disposed)
                return;
            if (Interlocked.CompareExchange(ref _claim[index], Claimed, Idle) == Idle)
            {
                RunParts();
                Volatile.Write(ref _claim[index], Done);
            }
        }
    }

    /// <summary>Spins briefly for a new generation, then sleeps on the worker's event until the caller sets it.</summary>
    private long WaitForRegion(int index, long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        while (true)
        {
            for (int i = 0; i < 64; i++)
            {
                long generation = Volatile.Read(ref _generation);
                if (generation != seen)
                    return generation;
                if (X86Base.IsSupported)
                    X86Base.Pause();
            }
            if (Stopwatch.GetTimestamp() > deadline)
                break;
        }
        // Reset before announcing sleep: a caller only sets the event after it saw the announcement, so its wake-up
        // cannot be lost; the full fence of Exchange orders the announcement before the generation check.
        _wake[index].Reset();
        Interlocked.Exchange(ref _sleeping[index], 1);
        long current;
        while ((current = Volatile.Read(ref _generation)) == seen)
        {
            _wake[index].Wait();
            _wake[index].Reset();
            Interlocked.MemoryBarrier();
        }
        Interlocked.Exchange(ref _sleeping[index], 0);
        return current;
    }

    /// <summary>Stops the team's threads.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Interlocked.Increment(ref _generation);
        foreach (var wake in _wake)
            wake.Set();
        foreach (var worker in _workers)
            worker.Join();
        foreach (var wake in _wake)
            wake.Dispose();
    }

    private readonly struct ActionWork(Action<int> body) : IWork
    {
        public void Run(int part) => body(part);
    }
}
