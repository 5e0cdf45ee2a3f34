using Reasoning.Engine.Kv;

namespace Reasoning.Engine.Kernels;

/// <summary>
/// Attention of one query head over a KV view made of spans. For a span whose keys were rotated at stored positions
/// but sit at other logical positions (delta d), the query is rotated to (m − d) instead of re-rotating the keys:
/// q·k depends only on the difference of the two rotations. Keys are visited span by span in view order, so the
/// reduction order depends only on the view, never on the batch.
/// </summary>
public static class Attention
{
    /// <summary>Per-thread scratch: rotated queries and scores.</summary>
    public sealed class Scratch(int headDim, int capacity)
    {
        internal float[] Scores = new float[Math.Max(capacity, 16)];
        internal readonly float[] Rotated = new float[headDim];

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
        PagePool pool, int layer, int kvHead, Rope rope, Scratch scratch, Span<float> output)
    {
        int headDim = q.Length;
        int total = 0;
        for (int s = 0; s < spans.Count; s++)
            total += visible[s];
        var scores = scratch.ScoresFor(total);
        float scale = 1f / MathF.Sqrt(headDim);
        var rotated = scratch.Rotated.AsSpan();
        int pageSize = pool.PageSize;

        int at = 0;
        int rotatedDelta = int.MinValue;
        for (int s = 0; s < spans.Count; s++)
        {
            var span = spans[s];
            int count = visible[s];
            if (count == 0)
                continue;
            if (span.Delta != rotatedDelta)
            {
                q.CopyTo(rotated);
                rope.Apply(rotated, position - span.Delta);
                rotatedDelta = span.Delta;
            }
            for (int i = 0; i < count; i++)
            {
                var keys = pool.Head(span.Pages[i / pageSize], layer, false, kvHead);
                var key = keys.Slice(i % pageSize * headDim, headDim);
                scores[at++] = Vectors.Dot(rotated, key) * scale;
            }
        }

        Softmax.Apply(scores);

        output.Clear();
        at = 0;
        for (int s = 0; s < spans.Count; s++)
        {
            var span = spans[s];
            for (int i = 0; i < visible[s]; i++)
            {
                var values = pool.Head(span.Pages[i / pageSize], layer, true, kvHead);
                var value = values.Slice(i % pageSize * headDim, headDim);
                Vectors.MultiplyAdd(output, scores[at++], value);
            }
        }
    }
}
