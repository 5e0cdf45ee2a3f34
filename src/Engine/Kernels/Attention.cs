using Reasoning.Engine.Kv;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// Attention of one query head over a KV view made of spans. For a span whose keys were rotated at stored positions
/// but sit at other logical positions (delta d), the query is rotated to (m − d) instead of re-rotating the keys:
/// q·k depends only on the difference of the two rotations. Keys are visited span by span in view order, so the
/// reduction order depends only on the view, never on the batch.
/// </summary>
public static unsafe class Attention
{
    /// <summary>Per-thread scratch: rotated queries and scores.</summary>
    public sealed class Scratch(int headDim, int capacity)
    {
        internal float[] Scores = new float[Math.Max(capacity, 16)];
        internal float[] Rotated = new float[headDim];
        internal float[] Block = new float[16 * headDim];

        internal Span<float> BlockFor(int floats)
        {
            if (Block.Length < floats)
                Block = new float[floats];
            return Block.AsSpan(0, floats);
        }

        internal Span<float> RotatedFor(int floats)
        {
            if (Rotated.Length < floats)
                Rotated = new float[floats];
            return Rotated.AsSpan(0, floats);
        }

        internal Span<float> ScoresFor(int count)
        {
            if (Scores.Length < count)
                Scores = new float[Math.Max(count, Scores.Length * 2)];
            return Scores.AsSpan(0, count);
        }
    }

    /// <summary>
    /// Computes softmax(q·Kᵀ/√d)·V for one query head <paramref name="q"/> (unrotated) at logical position
    /// <paramref name="position"/>, over the first <c>visible[s]</c> tokens of each span s of the view, reading keys and
    /// values of layer <paramref name="layer"/>, KV head <paramref name="kvHead"/>. Writes the head's output to <paramref name="output"/>.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> q, int position, IReadOnlyList<KvSpan> spans, ReadOnlySpan<int> visible,
        PagePool pool, int layer, int kvHead, Rope rope, Scratch scratch, Span<float> output) =>
        ComputeGroup(q, 1, position, spans, visible, pool, layer, kvHead, rope, scratch, output);

    /// <summary>
    /// <see cref="Compute"/> for the <paramref name="count"/> query heads that share KV head <paramref name="kvHead"/>
    /// (grouped-query attention), stored one after another in <paramref name="queries"/>; head j's output goes to the
    /// j-th head-wide slice of <paramref name="outputs"/>. Each head's output equals <see cref="Compute"/> for that head
    /// alone, bit for bit; the group reads each key and value once instead of once per head.
    /// </summary>
    public static void ComputeGroup(ReadOnlySpan<float> queries, int count, int position, IReadOnlyList<KvSpan> spans,
        ReadOnlySpan<int> visible, PagePool pool, int layer, int kvHead, Rope rope, Scratch scratch, Span<float> outputs) =>
        ComputeGroup(queries, count, position, spans, visible, pool, layer, kvHead, rope, scratch, outputs, AttentionBlocks.FusedBF16);

    /// <summary>
    /// <see cref="ComputeGroup(ReadOnlySpan{float}, int, int, IReadOnlyList{KvSpan}, ReadOnlySpan{int}, PagePool, int, int, Rope, Scratch, Span{float})"/>
    /// with the bf16 path chosen: a paired bf16 pool read in place (<paramref name="fusedBF16"/>) or widened a block at a
    /// time. Both give bitwise the same outputs; tests run both on any machine.
    /// </summary>
    internal static void ComputeGroup(ReadOnlySpan<float> queries, int count, int position, IReadOnlyList<KvSpan> spans,
        ReadOnlySpan<int> visible, PagePool pool, int layer, int kvHead, Rope rope, Scratch scratch, Span<float> outputs, bool fusedBF16)
    {
        int headDim = pool.HeadDim;
        if (queries.Length != count * headDim || outputs.Length != count * headDim)
            throw new ArgumentException($"{count} heads of {headDim} need {count * headDim} query and output floats; got {queries.Length} and {outputs.Length}.");
        int total = 0;
        for (int s = 0; s < spans.Count; s++)
            total += visible[s];
        var scores = scratch.ScoresFor(count * total);
        float scale = 1f / MathF.Sqrt(headDim);
        var rotated = scratch.RotatedFor(count * headDim);
        int pageSize = pool.PageSize;
        bool chunked = pool.KeysChunkMajor;
        // A paired bf16 pool is read in place by the fused kernels (bitwise the f32 kernels on the widened block).
        bool fused = pool.PairedBF16 && fusedBF16;

        int at = 0;
        int rotatedDelta = int.MinValue;
        for (int s = 0; s < spans.Count; s++)
        {
            var span = spans[s];
            int visibleHere = visible[s];
            if (visibleHere == 0)
                continue;
            if (span.Delta != rotatedDelta)
            {
                queries.CopyTo(rotated);
                for (int j = 0; j < count; j++)
                    rope.Apply(rotated.Slice(j * headDim, headDim), position - span.Delta);
                rotatedDelta = span.Delta;
            }
            for (int first = 0; first < visibleHere; first += pageSize)
            {
                int n = Math.Min(pageSize, visibleHere - first);
                if (fused)
                {
                    ushort* bits = pool.BF16Head(span.Pages[first / pageSize], layer, false, kvHead);
                    for (int j = 0; j < count; j++)
                        AttentionBlocks.ScoresPairedBF16(rotated.Slice(j * headDim, headDim), bits, n, pageSize, scale, scores.Slice(j * total + at, n));
                    at += n;
                    continue;
                }
                var keys = PageBlock(pool, span.Pages[first / pageSize], layer, false, kvHead, n, scratch);
                for (int j = 0; j < count; j++)
                {
                    var query = rotated.Slice(j * headDim, headDim);
                    var into = scores.Slice(j * total + at, n);
                    if (chunked)
                        AttentionBlocks.ScoresChunked(query, keys, n, pageSize, scale, into);
                    else
                        AttentionBlocks.Scores(query, keys, n, scale, into);
                }
                at += n;
            }
        }

        for (int j = 0; j < count; j++)
            Softmax.Apply(scores.Slice(j * total, total));

        outputs.Clear();
        at = 0;
        for (int s = 0; s < spans.Count; s++)
        {
            var span = spans[s];
            for (int first = 0; first < visible[s]; first += pageSize)
            {
                int n = Math.Min(pageSize, visible[s] - first);
                if (fused)
                {
                    AttentionBlocks.AccumulateGroupPairedBF16(scores[at..], total, count, pool.BF16Head(span.Pages[first / pageSize], layer, true, kvHead), n, outputs);
                    at += n;
                    continue;
                }
                var values = PageBlock(pool, span.Pages[first / pageSize], layer, true, kvHead, n, scratch);
                AttentionBlocks.AccumulateGroup(scores[at..], total, count, values, n, outputs);
                at += n;
            }
        }
    }

    /// <summary>
    /// The first <paramref name="slots"/> keys or values of one head in a page, as f32 in the stored layout (a view for
    /// f32 pools, widened for bf16); chunk-major keys come as the whole page block.
    /// </summary>
    private static ReadOnlySpan<float> PageBlock(PagePool pool, int page, int layer, bool value, int kvHead, int slots, Scratch scratch)
    {
        int floats = !value && pool.KeysChunkMajor ? pool.PageSize * pool.HeadDim : slots * pool.HeadDim;
        if (pool.ElementType == KvDType.F32)
            return pool.Head(page, layer, value, kvHead)[..floats];
        var block = scratch.BlockFor(floats);
        pool.Read(page, layer, value, kvHead, slots, block);
        return block;
    }
}
