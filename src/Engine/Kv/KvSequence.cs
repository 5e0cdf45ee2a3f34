namespace Reasoning.Engine.Kv;

/// <summary>
/// A sequence's KV view: an ordered list of spans, the last of which (the tail) receives new tokens.
/// Fork copies the span list and bumps page references (no KV is copied); a shared page is copied only when this
/// view is about to write into it. Dispose releases every page reference. Not thread-safe: the engine loop owns it.
/// </summary>
public sealed class KvSequence : IDisposable
{
    private readonly PagePool _pool;
    private readonly List<KvSpan> _spans = [];
    private bool _disposed;

    /// <summary>The spans of the view, in attention order; the last is the tail.</summary>
    public IReadOnlyList<KvSpan> Spans => _spans;

    /// <summary>The span new tokens are appended to.</summary>
    public KvSpan Tail => _spans[^1];

    /// <summary>Total tokens visible through the view.</summary>
    public int Length => _spans.Sum(s => s.Length);

    /// <summary>The logical position the next appended token takes.</summary>
    public int NextPosition => Tail.LogicalStart + Tail.Length;

    /// <summary>The pool the pages come from.</summary>
    public PagePool Pool => _pool;

    /// <summary>Creates an empty sequence whose first token will sit at <paramref name="startPosition"/>.</summary>
    public KvSequence(PagePool pool, int startPosition = 0)
    {
        _pool = pool;
        _spans.Add(new KvSpan(startPosition, startPosition));
    }

    private KvSequence(PagePool pool, IEnumerable<KvSpan> spans)
    {
        _pool = pool;
        _spans.AddRange(spans);
    }

    /// <summary>A new view over the same tokens: the span list is copied and each page gains a reference.</summary>
    public KvSequence Fork()
    {
        ThrowIfDisposed();
        return new KvSequence(_pool, _spans.Select(ShareSpan).ToList());
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> more tokens in the tail: allocates pages and copies a shared partial
    /// tail page. The tokens become visible only through <see cref="Commit"/>, after their keys are written.
    /// </summary>
    /// <exception cref="KvCacheExhaustedException">The pool cannot supply the pages; nothing visible changes.</exception>
    public void Reserve(int count)
    {
        ThrowIfDisposed();
        var tail = Tail;
        int size = _pool.PageSize;
        int firstPage = tail.Length / size;
        int lastPage = (tail.Length + count - 1) / size;
        if (count <= 0)
            return;
        for (int i = firstPage; i < tail.Pages.Count; i++)
        {
            if (_pool.RefCount(tail.Pages[i]) == 1)
                continue;
            // Shared with another view: copy before writing (only the first such page can hold tokens of ours).
            int copy = _pool.Allocate();
            int filled = i == firstPage ? tail.Length % size : 0;
            if (filled > 0)
                _pool.CopySlots(tail.Pages[i], copy, filled);
            _pool.Release(tail.Pages[i]);
            tail.Pages[i] = copy;
        }
        while (tail.Pages.Count <= lastPage)
            tail.Pages.Add(_pool.Allocate());
    }

    /// <summary>Makes <paramref name="count"/> reserved tokens of the tail visible.</summary>
    public void Commit(int count)
    {
        if (Tail.Length + count > Tail.Pages.Count * _pool.PageSize)
            throw new InvalidOperationException($"Commit of {count} tokens exceeds the reserved pages of the tail.");
        Tail.Length += count;
    }

    /// <summary>Where tail token <paramref name="index"/> is stored: (page, slot).</summary>
    public (int Page, int Slot) Locate(KvSpan span, int index) =>
        (span.Pages[index / _pool.PageSize], index % _pool.PageSize);

    /// <summary>Keeps the first <paramref name="length"/> visible tokens and drops the rest (whole spans and pages).</summary>
    public void Truncate(int length)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int remaining = length;
        int keep = 0;
        while (keep < _spans.Count && remaining >= _spans[keep].Length && keep < _spans.Count - 1)
        {
            remaining -= _spans[keep].Length;
            keep++;
        }
        for (int i = _spans.Count - 1; i > keep; i--)
        {
            ReleaseSpan(_spans[i]);
            _spans.RemoveAt(i);
        }
        var tail = _spans[keep];
        tail.Length = Math.Min(tail.Length, remaining);
        int pagesNeeded = (tail.Length + _pool.PageSize - 1) / _pool.PageSize;
        while (tail.Pages.Count > pagesNeeded)
        {
            _pool.Release(tail.Pages[^1]);
            tail.Pages.RemoveAt(tail.Pages.Count - 1);
        }
    }

    /// <summary>
    /// Starts a new tail span at logical position <paramref name="logicalStart"/> (stored there too), so later tokens
    /// can be placed independently of the spans before them.
    /// </summary>
    public KvSpan StartSpan(int logicalStart)
    {
        ThrowIfDisposed();
        if (Tail.Length == 0)
        {
            ReleaseSpan(Tail);
            _spans.RemoveAt(_spans.Count - 1);
        }
        var span = new KvSpan(logicalStart, logicalStart);
        _spans.Add(span);
        return span;
    }

    /// <summary>Places span <paramref name="index"/> at another logical position; its keys are not recomputed.</summary>
    public void Move(int index, int logicalStart)
    {
        ThrowIfDisposed();
        _spans[index].LogicalStart = logicalStart;
    }

    /// <summary>Removes span <paramref name="index"/> from the view and releases its pages (pruning).</summary>
    public void Remove(int index)
    {
        ThrowIfDisposed();
        if (_spans.Count == 1)
            throw new InvalidOperationException("The tail is the only span; truncate the sequence instead of removing it.");
        ReleaseSpan(_spans[index]);
        _spans.RemoveAt(index);
    }

    /// <summary>Appends to this view the spans of <paramref name="other"/> (sharing their pages), before a new tail.</summary>
    public void Attach(KvSequence other, int tailLogicalStart)
    {
        ThrowIfDisposed();
        var tail = Tail;
        bool dropTail = tail.Length == 0;
        if (dropTail)
        {
            ReleaseSpan(tail);
            _spans.RemoveAt(_spans.Count - 1);
        }
        foreach (var s in other.Spans)
        {
            if (s.Length == 0)
                continue;
            _spans.Add(ShareSpan(s));
        }
        _spans.Add(new KvSpan(tailLogicalStart, tailLogicalStart));
    }

    /// <summary>
    /// Inserts at <paramref name="index"/> shared copies (pages gain a reference, nothing is copied) of the
    /// <paramref name="count"/> spans of <paramref name="other"/> from <paramref name="from"/> on, each placed
    /// <paramref name="shift"/> positions later than in <paramref name="other"/>'s view. Empty spans are skipped.
    /// The tail stays the tail unless <paramref name="index"/> is past it.
    /// </summary>
    /// <returns>The number of spans inserted.</returns>
    public int InsertShared(int index, KvSequence other, int from, int count, int shift)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, _spans.Count);
        if (ReferenceEquals(other, this))
            throw new ArgumentException("a view cannot insert its own spans; fork it first.", nameof(other));
        var copies = other.Spans.Skip(from).Take(count).Where(s => s.Length > 0).Select(s =>
        {
            var copy = ShareSpan(s);
            copy.LogicalStart += shift;
            return copy;
        }).ToList();
        _spans.InsertRange(index, copies);
        return copies.Count;
    }

    /// <summary>A copy of a span for another view: its committed pages gain a reference, reserved ones stay ours.</summary>
    private KvSpan ShareSpan(KvSpan span)
    {
        int committedPages = (span.Length + _pool.PageSize - 1) / _pool.PageSize;
        var pages = span.Pages.Take(committedPages).ToList();
        foreach (int p in pages)
            _pool.AddRef(p);
        return new KvSpan(span.StoredStart, span.LogicalStart, pages, span.Length);
    }

    private void ReleaseSpan(KvSpan span)
    {
        foreach (int p in span.Pages)
            _pool.Release(p);
        span.Pages.Clear();
        span.Length = 0;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Releases every page reference of the view.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        foreach (var s in _spans)
            ReleaseSpan(s);
        _spans.Clear();
        _disposed = true;
    }
}
