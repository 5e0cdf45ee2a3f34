using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Generation;

// The span algebra of a sequence's KV view: fork at a position, start, attach, move and remove spans. Every operation
// runs under the engine's KvLock and keeps Tokens in view order: Tokens[..FedCount] are the view's spans, concatenated,
// and the pending tokens after them go to the tail.
public sealed partial class EngineSequence
{
    /// <summary>A snapshot of the spans of the view, in attention order (the last one is the tail).</summary>
    public IReadOnlyList<SequenceSpan> Spans
    {
        get
        {
            lock (_engine.KvLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Describe();
            }
        }
    }

    /// <summary>Tokens of <see cref="Tokens"/> already computed (their keys and values are in the view).</summary>
    public int ComputedLength
    {
        get
        {
            lock (_engine.KvLock)
                return FedCount;
        }
    }

    /// <summary>The logical position the next appended token will take.</summary>
    public int NextPosition
    {
        get
        {
            lock (_engine.KvLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return Kv.NextPosition + History.Count - FedCount;
            }
        }
    }

    /// <summary>
    /// A child that shares this sequence's pages (nothing is copied) and whose new tokens start a span of their own at
    /// logical position <paramref name="at"/>: several children forked at one position are same-position paths
    /// (SGLang's <c>fork(position_ids_offset)</c>). The child needs a token appended before it can generate.
    /// </summary>
    /// <exception cref="InvalidRequestException">Tokens are pending (prefill first) or the position is out of range.</exception>
    public EngineSequence Fork(int at)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            ThrowIfPending("fork it at a position");
            ThrowIfBadPosition(at, nameof(at));
            var child = new EngineSequence(_engine, Kv.Fork()) { FedCount = FedCount };
            child.History.AddRange(History);
            child.Kv.StartSpan(at);
            return child;
        }
    }

    /// <summary>
    /// Starts a new tail span at logical position <paramref name="at"/> (an empty tail is replaced). Tokens appended
    /// afterwards go there; at least one must be appended before the sequence can generate again.
    /// </summary>
    /// <returns>The index of the new tail span.</returns>
    /// <exception cref="InvalidRequestException">Tokens are pending (prefill first) or the position is out of range.</exception>
    public int StartSpan(int at)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            ThrowIfPending("start a span");
            ThrowIfBadPosition(at, nameof(at));
            Kv.StartSpan(at);
            return Kv.Spans.Count - 1;
        }
    }

    /// <summary>
    /// Attaches the computed spans of <paramref name="other"/> from span <paramref name="fromSpan"/> on to this view,
    /// sharing their pages (no copy, no recomputation). With <paramref name="at"/> they are moved together so that the
    /// first one starts there; otherwise they keep their logical positions. <paramref name="other"/> may be generating:
    /// what it has computed so far is attached (a live span; its tail page becomes shared, so its next step copies that
    /// page before writing, copy-on-write).
    /// With <paramref name="beforeSpan"/> null the spans go after the tail and a new, empty tail starts where the last
    /// of them ends (this sequence must be fully computed, and needs a token appended before it generates again); with
    /// an index (at most the tail's) they are inserted before that span and the tail stays the tail.
    /// </summary>
    /// <returns>The indices of the attached spans in this view (empty when <paramref name="other"/> had nothing computed there).</returns>
    /// <exception cref="InvalidRequestException">An index or position is out of range, tokens are pending, or the sequences differ in engine.</exception>
    public Range AttachSpans(EngineSequence other, int fromSpan = 0, int? at = null, int? beforeSpan = null)
    {
        ArgumentNullException.ThrowIfNull(other);
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            if (ReferenceEquals(other, this))
                throw new InvalidRequestException("a sequence cannot attach its own spans; fork it and attach the fork's.");
            if (!ReferenceEquals(other._engine, _engine))
                throw new InvalidRequestException("the sequences belong to different engines; spans can be shared only within one engine's page pool.");
            ObjectDisposedException.ThrowIf(other._disposed, other);
            var spans = other.Kv.Spans;
            if (fromSpan < 0 || fromSpan > spans.Count)
                throw new InvalidRequestException($"span {fromSpan} does not exist: the other sequence has {spans.Count} spans.");
            int first = fromSpan;
            while (first < spans.Count && spans[first].Length == 0)
                first++;
            int shift = at is { } a && first < spans.Count ? a - spans[first].LogicalStart : 0;
            for (int s = first; s < spans.Count; s++)
                if (spans[s].Length > 0)
                    ThrowIfBadPosition(spans[s].LogicalStart + shift, nameof(at));
            int offset = spans.Take(fromSpan).Sum(s => s.Length);
            var tokens = other.History.GetRange(offset, other.FedCount - offset);
            int tailIndex = Kv.Spans.Count - 1;
            if (tokens.Count == 0)
                return new Range(tailIndex, tailIndex);

            int index;
            int insertAt;
            if (beforeSpan is { } before)
            {
                if (before < 0 || before > tailIndex)
                    throw new InvalidRequestException($"cannot insert before span {before}: the view's spans are 0 to {tailIndex} (the tail).");
                index = before;
                insertAt = Describe()[before].TokenOffset;
            }
            else
            {
                ThrowIfPending("attach spans after the tail");
                index = Kv.Tail.Length == 0 ? tailIndex : tailIndex + 1;
                insertAt = FedCount;
            }
            int count = Kv.InsertShared(index, other.Kv, fromSpan, spans.Count - fromSpan, shift);
            History.InsertRange(insertAt, tokens);
            FedCount += tokens.Count;
            if (beforeSpan is null)
            {
                var last = Kv.Spans[index + count - 1];
                Kv.StartSpan(last.LogicalStart + last.Length);
            }
            return new Range(index, index + count);
        }
    }

    /// <summary>Places span <paramref name="span"/> at logical position <paramref name="at"/>; its keys are not recomputed.</summary>
    /// <exception cref="InvalidRequestException">The index or the position is out of range.</exception>
    public void MoveSpan(int span, int at)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            ThrowIfBadSpan(span);
            ThrowIfBadPosition(at, nameof(at));
            Kv.Move(span, at);
        }
    }

    /// <summary>
    /// Removes span <paramref name="span"/> and its tokens from the view (pruning); its pages are freed once no view
    /// holds them. The tail cannot be removed: truncate the sequence to the tail's token offset instead.
    /// </summary>
    /// <exception cref="InvalidRequestException">The index is out of range or names the tail.</exception>
    public void RemoveSpan(int span)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            ThrowIfBadSpan(span);
            var spans = Describe();
            if (spans[span].IsTail)
                throw new InvalidRequestException($"span {span} is the tail (new tokens go there) and cannot be removed; truncate the sequence to {spans[span].TokenOffset} tokens instead.");
            History.RemoveRange(spans[span].TokenOffset, spans[span].Length);
            FedCount -= spans[span].Length;
            Kv.Remove(span);
        }
        _engine.Wake();
    }

    /// <summary>
    /// Refuses a generation that would re-feed the last token (nothing pending) when the tail is a span with no token
    /// yet: the re-fed token would land in the previous span at its old position, not where the new span starts.
    /// </summary>
    internal void ThrowIfTailNeedsTokens()
    {
        if (FedCount == History.Count && Kv.Spans.Count > 1 && Kv.Tail.Length == 0)
            throw new InvalidRequestException(
                $"the sequence's tail is a new span at logical position {Kv.Tail.LogicalStart} with no token in it; append at least one token before generating from it.");
    }

    private List<SequenceSpan> Describe()
    {
        var spans = Kv.Spans;
        var result = new List<SequenceSpan>(spans.Count);
        int offset = 0;
        for (int i = 0; i < spans.Count; i++)
        {
            var s = spans[i];
            result.Add(new SequenceSpan(i, offset, s.Length, s.LogicalStart, s.StoredStart, i == spans.Count - 1));
            offset += s.Length;
        }
        return result;
    }

    private void ThrowIfPending(string operation)
    {
        if (FedCount != History.Count)
            throw new InvalidRequestException(
                $"the sequence has {History.Count - FedCount} tokens not computed yet; prefill it (PrefillAsync) before you {operation}.");
    }

    private void ThrowIfBadSpan(int span)
    {
        if (span < 0 || span >= Kv.Spans.Count)
            throw new InvalidRequestException($"span {span} does not exist: the view has spans 0 to {Kv.Spans.Count - 1}.");
    }

    private void ThrowIfBadPosition(int position, string name)
    {
        int context = _engine.Model.Config.MaxPositionEmbeddings;
        if (position < 0 || position >= context)
            throw new InvalidRequestException($"{name} = {position} is outside the model's positions [0, {context}).");
    }
}
