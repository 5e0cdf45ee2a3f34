using FluentAssertions;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Xunit;

namespace Reasoning.Engine.Tests.Kv;

/// <summary>
/// DESIGN invariant 3: attention over a view whose spans were moved (query rotated per span) equals attention over the
/// same keys re-rotated explicitly to their new positions. The reference here is a plain double-precision attention.
/// </summary>
public sealed class SpanAlgebraTests
{
    private const double RopeTheta = 10000;

    private static ModelConfig Config(int headDim) => new()
    {
        Architecture = Architecture.Llama, HiddenSize = 64, NumLayers = 1, NumHeads = 2, NumKvHeads = 1, HeadDim = headDim,
        IntermediateSize = 64, VocabSize = 10, MaxPositionEmbeddings = 4096, RopeTheta = RopeTheta, RmsNormEps = 1e-5f,
        TieWordEmbeddings = true, AttentionBias = false,
    };

    /// <summary>
    /// Layouts as (stored start, length, logical start) per span, and the query's logical position; each with a head
    /// width of 32 (keys stored chunk-major) and of 24 (row-major).
    /// </summary>
    public static TheoryData<string, (int Stored, int Length, int Logical)[], int, int> Layouts
    {
        get
        {
            var data = new TheoryData<string, (int Stored, int Length, int Logical)[], int, int>();
            foreach (int headDim in new[] { 32, 24 })
            {
                data.Add("identity", [(0, 20, 0)], 20, headDim);
                data.Add("hogwild reordered blocks", [(0, 10, 0), (40, 7, 10), (10, 9, 17), (60, 5, 26)], 31, headDim);
                data.Add("multiverse siblings at one position", [(0, 12, 0), (12, 6, 12), (30, 9, 12), (50, 4, 21)], 25, headDim);
                data.Add("tim pruned middle span", [(0, 8, 0), (20, 11, 8)], 19, headDim);
                data.Add("long moved span", [(0, 300, 1000), (300, 40, 5)], 2000, headDim);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Attention_over_moved_spans_equals_attention_over_explicitly_rerotated_keys(string layout, (int Stored, int Length, int Logical)[] spans, int queryPosition, int headDim)
    {
        var random = new Random(layout.Length);
        using var pool = new PagePool(Config(headDim), 64, 16);
        pool.KeysChunkMajor.Should().Be(headDim % 16 == 0);
        var rope = new Rope(headDim, RopeTheta);
        var seq = new KvSequence(pool, spans[0].Stored);
        var rawKeys = new List<float[]>();
        var values = new List<float[]>();
        for (int s = 0; s < spans.Length; s++)
        {
            var (stored, length, _) = spans[s];
            if (s > 0)
                seq.StartSpan(stored);
            seq.Reserve(length);
            for (int i = 0; i < length; i++)
            {
                var k = RandomVector(random, headDim);
                var v = RandomVector(random, headDim);
                rawKeys.Add(k);
                values.Add(v);
                var rotated = (float[])k.Clone();
                rope.Apply(rotated, stored + i);
                var (page, slot) = seq.Locate(seq.Tail, i);
                pool.Write(page, 0, false, 0, slot, rotated);
                pool.Write(page, 0, true, 0, slot, v);
            }
            seq.Commit(length);
        }
        for (int s = 0; s < spans.Length; s++)
            seq.Move(s, spans[s].Logical);

        var q = RandomVector(random, headDim);
        var output = new float[headDim];
        var visible = seq.Spans.Select(x => x.Length).ToArray();
        Attention.Compute(q, queryPosition, seq.Spans, visible, pool, 0, 0, rope, new Attention.Scratch(headDim, 16), output);

        var logicalPositions = spans.SelectMany(s => Enumerable.Range(s.Logical, s.Length)).ToArray();
        var expected = ReferenceAttention(q, queryPosition, rawKeys, values, logicalPositions);
        for (int d = 0; d < headDim; d++)
            output[d].Should().BeApproximately((float)expected[d], 2e-5f, $"dimension {d} ({layout})");

        // The heads of a grouped-query group computed together: each bit for bit what it is alone.
        var group = q.Concat(RandomVector(random, headDim)).Concat(RandomVector(random, headDim)).ToArray();
        var grouped = new float[3 * headDim];
        Attention.ComputeGroup(group, 3, queryPosition, seq.Spans, visible, pool, 0, 0, rope, new Attention.Scratch(headDim, 16), grouped);
        for (int j = 0; j < 3; j++)
        {
            var alone = new float[headDim];
            Attention.Compute(group.AsSpan(j * headDim, headDim), queryPosition, seq.Spans, visible, pool, 0, 0, rope, new Attention.Scratch(headDim, 16), alone);
            grouped.AsSpan(j * headDim, headDim).ToArray().Should().Equal(alone, $"head {j} of the group ({layout})");
        }
        seq.Dispose();
        pool.FreeCount.Should().Be(pool.PageCount);
    }

    private static double[] ReferenceAttention(float[] q, int position, List<float[]> keys, List<float[]> values, int[] keyPositions)
    {
        int headDim = q.Length;
        var qr = Rotate(q, position);
        var scores = new double[keys.Count];
        for (int j = 0; j < keys.Count; j++)
        {
            var kr = Rotate(keys[j], keyPositions[j]);
            scores[j] = qr.Zip(kr, (a, b) => a * b).Sum() / Math.Sqrt(headDim);
        }
        double max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        double sum = weights.Sum();
        var output = new double[headDim];
        for (int j = 0; j < keys.Count; j++)
            for (int d = 0; d < headDim; d++)
                output[d] += weights[j] / sum * values[j][d];
        return output;
    }

    /// <summary>Rotate-half RoPE in double precision, written independently of the engine's kernel.</summary>
    private static double[] Rotate(float[] x, int position)
    {
        int headDim = x.Length;
        int half = headDim / 2;
        var y = new double[headDim];
        for (int i = 0; i < half; i++)
        {
            double angle = position * Math.Pow(RopeTheta, -2.0 * i / headDim);
            y[i] = x[i] * Math.Cos(angle) - x[i + half] * Math.Sin(angle);
            y[i + half] = x[i + half] * Math.Cos(angle) + x[i] * Math.Sin(angle);
        }
        return y;
    }

    private static float[] RandomVector(Random random, int headDim) =>
        Enumerable.Range(0, headDim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
