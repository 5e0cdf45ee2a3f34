using System.Runtime.CompilerServices;

namespace Reasoning.Threads;

/// <summary>
/// The run's event queue, bounded: it holds at most <c>capacity</c> <see cref="TokensGenerated"/> events, and when a
/// slow (or absent) reader lets more pile up, the oldest token events are dropped and counted. Structural events
/// (started, spawned, joined, ended) are never dropped: there are at most a few per thread, and the run's thread budget
/// bounds the threads.
/// </summary>
/// <remarks>
/// Dropping rather than applying backpressure: events are written from the threads' generation loops, and a writer
/// that waited for the reader would stall generation (and deadlock a run nobody reads). A thread's text is always
/// complete in <see cref="ReasoningThread.Text"/>; the token events are a live view of it.
/// </remarks>
internal sealed class EventStream
{
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly LinkedList<ReasoningEvent> _items = new();
    // The token events still queued, in their order in _items: the oldest is the one to drop.
    private readonly Queue<LinkedListNode<ReasoningEvent>> _tokens = new();
    private TaskCompletionSource _signal = NewSignal();
    private bool _completed;
    private long _dropped;

    public EventStream(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Token events dropped so far because the reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting for the reader.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _items.Count;
        }
    }

    public void Write(ReasoningEvent e)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_completed)
                return;
            var node = _items.AddLast(e);
            if (e is TokensGenerated)
            {
                _tokens.Enqueue(node);
                if (_tokens.Count > _capacity)
                {
                    _items.Remove(_tokens.Dequeue());
                    Interlocked.Increment(ref _dropped);
                }
            }
            signal = _signal;
            _signal = NewSignal();
        }
        signal.TrySetResult();
    }

    public void Complete()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _completed = true;
            signal = _signal;
        }
        signal.TrySetResult();
    }

    public async IAsyncEnumerable<ReasoningEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ReasoningEvent? next = null;
            Task wait;
            lock (_lock)
            {
                if (_items.First is { } first)
                {
                    next = first.Value;
                    _items.RemoveFirst();
                    if (next is TokensGenerated)
                        _tokens.Dequeue();   // the oldest queued token event is the first one in the list
                }
                else if (_completed)
                    yield break;
                wait = _signal.Task;
            }
            if (next is not null)
                yield return next;
            else
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
