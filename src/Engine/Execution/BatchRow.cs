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
public sealed record BatchRow(KvSequence Kv, ReadOnlyMemory<int> Tokens, bool AllLogits = false, bool SkipLogits = false);
