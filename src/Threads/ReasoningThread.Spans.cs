using Reasoning.Engine.Errors;

namespace Reasoning.Threads;

// Token-first operations of a thread: marks (token positions), truncation to a mark, spans started at marks, pruning
// and moving them, and the KV join that attaches children's spans instead of re-encoding their text.
public sealed partial class ReasoningThread
{
    // The first span of the view that holds this thread's own tokens, and the token index where they start; null
    // for a plain fork, whose tokens continue its parent's tail span and cannot be attached apart from it.
    private int? _ownSpan;
    private int _ownFrom;
    // A spawned child's context starts at position 0: a KV join places it after the parent's context instead.
    private bool _placeOnJoin;
    // Text of the spans a shared-cache group attached between the fork prefix and the own tail.
    private int _attachedText;

    private int OwnTextStart => _index.TextAt(_ownFrom) + _attachedText;

    /// <summary>The run the thread belongs to.</summary>
    public ThreadRun Run => _run;

    internal void SetOwnTokens(int span, int from, bool placeOnJoin = false) => (_ownSpan, _ownFrom, _placeOnJoin) = (span, from, placeOnJoin);

    /// <summary>A mark at the end of the context (its token count and text length).</summary>
    public ThreadMark Mark()
    {
        Alive();
        return new ThreadMark(Id, _index.Count, _text.Length);
    }

    /// <summary>A mark at token position <paramref name="tokens"/> of the context (0 to <see cref="ContextTokens"/>).</summary>
    /// <exception cref="InvalidRequestException">The position is outside the context, or falls inside a character
    /// (no text length ends there).</exception>
    public ThreadMark MarkAt(int tokens)
    {
        Alive();
        if (tokens < 0 || tokens > _index.Count)
            throw new InvalidRequestException($"token {tokens} is outside thread {Id}'s context of {_index.Count} tokens; give a position from 0 to {_index.Count}.");
        int text = tokens == _index.Count ? _text.Length : _index.TextAt(tokens);
        if (text < 0)
            throw new InvalidRequestException($"token {tokens} of thread {Id} falls inside a character; give a position at a character boundary.");
        return new ThreadMark(Id, tokens, text);
    }

    /// <summary>Cuts the context back to <paramref name="mark"/>: tokens after it (and their KV pages) and their text go.</summary>
    /// <exception cref="InvalidRequestException">The mark is another thread's, or the context before it changed.</exception>
    public void Truncate(ThreadMark mark)
    {
        var seq = Alive();
        CheckMark(mark);
        int removed = _text.Length - mark.TextLength;
        seq.Truncate(mark.Tokens);
        _index.Truncate(mark.Tokens);
        _generated.Length = Math.Max(0, _generated.Length - removed);
        _text.Length = mark.TextLength;
    }

    /// <summary>
    /// Computes the pending context, then starts a new span at logical position <paramref name="at"/> (default: the
    /// next position) and marks it: text appended afterwards can be pruned or moved as a unit. Append text before
    /// generating from the new span.
    /// </summary>
    public async Task<ThreadMark> BeginSpanAsync(int? at = null, CancellationToken cancellationToken = default)
    {
        var seq = Alive();
        await PrefillAsync(cancellationToken).ConfigureAwait(false);
        seq.StartSpan(at ?? seq.NextPosition);
        return Mark();
    }

    /// <summary>
    /// Removes the context between two marks (and frees its pages once no view holds them); the tokens after it keep
    /// their positions. The marks must be span boundaries (take them with <see cref="BeginSpanAsync"/>) and the range
    /// must be computed and end before the tail.
    /// </summary>
    /// <exception cref="InvalidRequestException">The range does not consist of whole spans before the tail.</exception>
    public void Prune(ThreadMark from, ThreadMark to)
    {
        var seq = Alive();
        CheckMark(from);
        CheckMark(to);
        if (to.Tokens < from.Tokens)
            throw new InvalidRequestException($"the prune range ends (token {to.Tokens}) before it starts (token {from.Tokens}); give the earlier mark first.");
        if (to.Tokens == from.Tokens)
            return;
        var inside = seq.Spans.Where(s => s.Length > 0 && s.TokenOffset >= from.Tokens && s.TokenOffset + s.Length <= to.Tokens).ToList();
        if (inside.Sum(s => s.Length) != to.Tokens - from.Tokens || inside.Any(s => s.IsTail))
            throw new InvalidRequestException(
                $"tokens {from.Tokens} to {to.Tokens} of thread {Id} are not whole computed spans before the tail; start a span at each end of the range (BeginSpanAsync) before pruning it.");
        foreach (var span in inside.OrderByDescending(s => s.Index))
            seq.RemoveSpan(span.Index);
        _index.RemoveRange(from.Tokens, to.Tokens, to.TextLength - from.TextLength);
        _text.Remove(from.TextLength, to.TextLength - from.TextLength);
    }

    /// <summary>Places the span that starts at <paramref name="span"/> at logical position <paramref name="at"/> (no recomputation).</summary>
    /// <exception cref="InvalidRequestException">No span starts at the mark.</exception>
    public void Move(ThreadMark span, int at)
    {
        var seq = Alive();
        CheckMark(span);
        int index = -1;
        foreach (var s in seq.Spans)
            if (s.TokenOffset == span.Tokens && (s.Length > 0 || s.IsTail))
            {
                index = s.Index;
                break;
            }
        if (index < 0)
            throw new InvalidRequestException($"no span of thread {Id} starts at token {span.Tokens}; start one there with BeginSpanAsync.");
        seq.MoveSpan(index, at);
    }

    /// <summary>
    /// Receives the children's results. <see cref="JoinMode.Text"/> appends <paramref name="joinText"/> (as
    /// <see cref="Join(IReadOnlyList{ReasoningThread}, string)"/>). <see cref="JoinMode.Kv"/> computes what is pending,
    /// then attaches each child's own spans to this view, in order, sharing their pages, and appends their text: a child
    /// forked with a position keeps its positions; a spawned child's whole context is placed after what precedes it
    /// (its keys rotated by the query, not recomputed). The new tail starts after the furthest of them, and <paramref name="joinText"/>,
    /// when given, is appended there (some text must be appended before this thread generates again).
    /// </summary>
    /// <exception cref="InvalidRequestException">A child was forked without a position (its tokens share this thread's tail span).</exception>
    /// <exception cref="BudgetExceededException">The joined context would exceed the context window.</exception>
    public async Task JoinAsync(IReadOnlyList<ReasoningThread> children, JoinMode mode, string? joinText = null, CancellationToken cancellationToken = default)
    {
        if (mode == JoinMode.Text)
        {
            Join(children, joinText ?? throw new ArgumentNullException(nameof(joinText), "a text join needs the text to append."));
            return;
        }
        var seq = Alive();
        foreach (var child in children)
        {
            child.Alive();
            if (child._ownSpan is null)
                throw new InvalidRequestException($"thread {child.Id} was forked without a position, so its tokens share its parent's tail span; fork with a position (at:) or spawn to join by KV.");
        }
        int added = children.Sum(c => c.Sequence!.Length - c._ownFrom);
        if (seq.Length + added > _run.ContextWindow)
            throw new BudgetExceededException($"thread {Id} would hold {seq.Length + added} tokens after the join; the context window is {_run.ContextWindow}.");

        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _run.Cancellation))
        {
            Task[] pending;
            using (_run.HoldSubmissions())
                pending = [seq.PrefillAsync(linked.Token), .. children.Select(c => c.Sequence!.PrefillAsync(linked.Token))];
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        int end = -1;
        foreach (var child in children)
        {
            int textFrom = child._index.TextAt(child._ownFrom);
            int? at = child._placeOnJoin ? seq.NextPosition : null;
            var range = seq.AttachSpans(child.Sequence!, child._ownSpan!.Value, at);
            var spans = seq.Spans;
            for (int s = range.Start.Value; s < range.End.Value; s++)
                end = Math.Max(end, spans[s].LogicalEnd);
            _index.InsertCopied(_index.Count, child._index, child._ownFrom, child._index.Count, textFrom, _text.Length, child._text.Length - textFrom);
            _text.Append(child._text, textFrom, child._text.Length - textFrom);
        }
        if (end >= 0 && seq.Spans[^1].LogicalStart != end)
            seq.StartSpan(end);
        if (joinText is not null)
            Append(joinText);
        Status = ThreadStatus.Idle;
        _run.Emit(new ThreadsJoined(Id, _run.ElapsedMilliseconds, children.Select(c => c.Id).ToList()));
    }

    /// <summary>
    /// For a shared-cache group member: replaces the spans attached from the other members (between its
    /// fork prefix and its own tail) by their current computed spans, inserted before its tail in the given order, with
    /// their text. A member's text shows another's up to that member's last complete character.
    /// </summary>
    internal void ReattachOthers(IReadOnlyList<ReasoningThread> others)
    {
        var seq = Alive();
        int first = _ownSpan ?? throw new InvalidOperationException($"thread {Id} has no span of its own.");
        var spans = seq.Spans;
        int tail = spans.Count - 1;
        if (tail > first)
        {
            int fromText = _index.TextAt(_ownFrom);
            int tokens = spans[tail].TokenOffset - spans[first].TokenOffset;
            for (int s = tail - 1; s >= first; s--)
                seq.RemoveSpan(s);
            _index.RemoveRange(_ownFrom, _ownFrom + tokens, _attachedText);
            _text.Remove(fromText, _attachedText);
            _attachedText = 0;
        }
        foreach (var other in others)
        {
            var otherSeq = other.Alive();
            var otherSpans = otherSeq.Spans;
            int otherFrom = otherSpans[^1].TokenOffset;
            int otherTo = otherFrom + otherSpans[^1].Length;
            int at = seq.Spans[^1].TokenOffset;
            int textAt = OwnTextStart;
            var range = seq.AttachSpans(otherSeq, otherSpans.Count - 1, beforeSpan: seq.Spans.Count - 1);
            if (range.End.Value == range.Start.Value)
                continue;
            int sourceText = other.OwnTextStart;
            int textLength = Math.Max(0, other._index.TextAt(other._index.CleanAtOrBefore(otherTo)) - sourceText);
            _index.InsertCopied(at, other._index, otherFrom, otherTo, sourceText, textAt, textLength);
            _text.Insert(textAt, other._text.ToString(sourceText, textLength));
            _attachedText += textLength;
        }
    }

    private void CheckMark(ThreadMark mark)
    {
        if (mark.ThreadId != Id)
            throw new InvalidRequestException($"the mark belongs to thread {mark.ThreadId}, not to thread {Id}; take marks on the thread they cut.");
        bool atEnd = mark.Tokens == _index.Count && mark.TextLength == _text.Length;
        if (mark.Tokens < 0 || mark.Tokens > _index.Count || (!atEnd && _index.TextAt(mark.Tokens) != mark.TextLength))
            throw new InvalidRequestException($"the mark at token {mark.Tokens} no longer fits thread {Id}'s context (it holds {_index.Count} tokens); the context before it changed since it was taken.");
    }
}
