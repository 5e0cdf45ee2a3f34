namespace Reasoning.Engine.Generation;

/// <summary>
/// One span of an <see cref="EngineSequence"/>'s KV view, as a snapshot: which of the sequence's tokens it holds and
/// where they sit. A span whose <see cref="Delta"/> is not 0 was moved or attached elsewhere than it was computed; the
/// engine attends to it with the query rotated by −<see cref="Delta"/>, so its keys are never recomputed.
/// </summary>
/// <param name="Index">The span's index in the view (attention order); the last span is the tail.</param>
/// <param name="TokenOffset">Index in <see cref="EngineSequence.Tokens"/> of the span's first token.</param>
/// <param name="Length">Tokens in the span (computed ones only).</param>
/// <param name="LogicalStart">The logical position of the span's first token in this view.</param>
/// <param name="StoredStart">The position the span's first key was rotated at when it was computed.</param>
/// <param name="IsTail">Whether new tokens are appended to this span.</param>
public readonly record struct SequenceSpan(int Index, int TokenOffset, int Length, int LogicalStart, int StoredStart, bool IsTail)
{
    /// <summary>Logical minus stored position.</summary>
    public int Delta => LogicalStart - StoredStart;

    /// <summary>The logical position just after the span's last token.</summary>
    public int LogicalEnd => LogicalStart + Length;
}
