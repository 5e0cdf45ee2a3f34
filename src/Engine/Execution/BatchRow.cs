using Reasoning.Engine.Kv;

namespace Reasoning.Engine.Execution;

/// <summary>
/// One row of a batched step: new tokens appended to a KV view. The tokens take the logical positions that follow
/// the view's tail; they attend to every span of the view and causally to each other.
/// </summary>
/// <param name="Kv">The view the row reads and whose tail receives the new keys and values.</param>
/// <param name="Tokens">The tokens to feed (1 for decode, many for prefill).</param>
/// <param name="AllLogits">Return logits for every new token, not only the last.</param>
/// <param name="SkipLogits">Compute no logits for this row (a prefill chunk that is not the last).</param>
/// <param name="OutputPositions">When set, return outputs for exactly these indices into <paramref name="Tokens"/>
/// (ascending, distinct), in place of what <paramref name="AllLogits"/> and <paramref name="SkipLogits"/> ask.</param>
public sealed record BatchRow(KvSequence Kv, ReadOnlyMemory<int> Tokens, bool AllLogits = false, bool SkipLogits = false,
    int[]? OutputPositions = null)
{
    /// <summary>Indices into <see cref="Tokens"/> whose outputs the pass computes, in order.</summary>
    internal IEnumerable<int> SelectedPositions =>
        OutputPositions ?? (AllLogits ? Enumerable.Range(0, Tokens.Length) : SkipLogits ? [] : [Tokens.Length - 1]);
}
