using System.Buffers;

namespace Reasoning.Training.Kernels;

/// <summary>
/// Causal multi-head attention over packed sequences, with grouped-query heads, and its gradient, written as
/// blocked matrix products on <see cref="Gemm"/>. Activations are token-major: q [tokens, heads·d], k and v
/// [tokens, kvHeads·d], out [tokens, heads·d]; query head h reads key/value head h / group. Per (sequence, head) the
/// scores live in one [L, L] scratch matrix, computed in row blocks of 64 up to the diagonal only. The forward keeps
/// each row's log-sum-exp; the backward recomputes the probabilities from it. Work is split by (sequence, head)
/// forward and (sequence, kv head) backward, so each item owns its outputs and the result never depends on threads.
/// <see cref="CausalAttentionReference"/> is the row-by-row form the tests compare against.
/// </summary>
public static unsafe class CausalAttention
{
    private const int Block = 64;

    /// <summary>The shape of one attention call.</summary>
    /// <param name="Heads">Query heads.</param>
    /// <param name="KvHeads">Key/value heads.</param>
    /// <param name="HeadDim">Width of one head.</param>
    public readonly record struct Shape(int Heads, int KvHeads, int HeadDim)
    {
        /// <summary>Width of all query heads.</summary>
        public int QueryWidth => Heads * HeadDim;
        /// <summary>Width of all key (or value) heads.</summary>
        public int KvWidth => KvHeads * HeadDim;
        /// <summary>Query heads per key/value head.</summary>
        public int Group => Heads / KvHeads;
    }

    /// <summary>Computes out and lse [tokens, heads] for every sequence (start, length) in <paramref name="segments"/>.</summary>
    public static void Forward(Shape s, IReadOnlyList<(int Start, int Length)> segments, float[] q, float[] k, float[] v, float[] output, float[] lse, int threads)
    {
        var items = Items(segments, s.Heads);
        Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, n =>
        {
            var (segment, h) = items[n];
            var (start, length) = segments[segment];
            float[] scores = ArrayPool<float>.Shared.Rent(length * length);
            try
            {
                ForwardHead(s, start, length, h, q, k, v, output, lse, scores);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scores);
            }
        });
    }

    /// <summary>From dOut, writes dq, dk and dv (all overwritten) for every sequence; needs the forward's q, k, v, out, lse.</summary>
    public static void Backward(Shape s, IReadOnlyList<(int Start, int Length)> segments, float[] q, float[] k, float[] v, float[] output, float[] lse,
        float[] dOutput, float[] dq, float[] dk, float[] dv, int threads)
    {
        var items = Items(segments, s.KvHeads);
        Parallel.For(0, items.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, n =>
        {
            var (segment, kvh) = items[n];
            var (start, length) = segments[segment];
            float[] probs = ArrayPool<float>.Shared.Rent(length * length);
            float[] dScores = ArrayPool<float>.Shared.Rent(length * length);
            try
            {
                BackwardKvHead(s, start, length, kvh, q, k, v, output, lse, dOutput, dq, dk, dv, probs, dScores);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(probs);
                ArrayPool<float>.Shared.Return(dScores);
            }
        });
    }

    // Longest sequences first, so the two threads finish together.
    private static (int Segment, int Head)[] Items(IReadOnlyList<(int Start, int Length)> segments, int heads) =>
        Enumerable.Range(0, segments.Count).OrderByDescending(i => segments[i].Length).ThenBy(i => i)
            .SelectMany(i => Enumerable.Range(0, heads).Select(h => (i, h))).ToArray();

    // scores[i, j] = q_i · k_j for j < the end of i's row block (the diagonal block is computed whole).
    private static void Scores(Shape s, int start, int length, int h, float[] q, float[] k, float[] scores)
    {
        int d = s.HeadDim, kvh = h / s.Group;
        for (int i0 = 0; i0 < length; i0 += Block)
        {
            int rows = Math.Min(Block, length - i0);
            Gemm.Multiply(new Gemm.View(q, (start + i0) * s.QueryWidth + h * d, s.QueryWidth, 1), new Gemm.View(k, start * s.KvWidth + kvh * d, 1, s.KvWidth),
                scores, i0 * length, length, rows, d, i0 + rows, accumulate: false, threads: 1);
        }
    }

    private static void ForwardHead(Shape s, int start, int length, int h, float[] q, float[] k, float[] v, float[] output, float[] lse, float[] p)
    {
        int d = s.HeadDim, kvh = h / s.Group;
        float scale = 1f / MathF.Sqrt(d);
        Scores(s, start, length, h, q, k, p);
        fixed (float* pp = p)
        {
            for (int i = 0; i < length; i++)
            {
                lse[(start + i) * s.Heads + h] = AttentionRows.Softmax(pp + (long)i * length, i + 1, scale);
                p.AsSpan(i * length + i + 1, Math.Min(length, (i / Block + 1) * Block) - i - 1).Clear();
            }
        }
        for (int i0 = 0; i0 < length; i0 += Block)
        {
            int rows = Math.Min(Block, length - i0);
            Gemm.Multiply(new Gemm.View(p, i0 * length, length, 1), new Gemm.View(v, start * s.KvWidth + kvh * d, s.KvWidth, 1),
                output, (start + i0) * s.QueryWidth + h * d, s.QueryWidth, rows, i0 + rows, d, accumulate: false, threads: 1);
        }
    }

    private static void BackwardKvHead(Shape s, int start, int length, int kvh, float[] q, float[] k, float[] v, float[] output, float[] lse,
        float[] dOutput, float[] dq, float[] dk, float[] dv, float[] p, float[] ds)
    {
        int d = s.HeadDim, qw = s.QueryWidth, kvw = s.KvWidth;
        float scale = 1f / MathF.Sqrt(d);
        for (int j = 0; j < length; j++)
        {
            dk.AsSpan((start + j) * kvw + kvh * d, d).Clear();
            dv.AsSpan((start + j) * kvw + kvh * d, d).Clear();
        }
        var kView = new Gemm.View(k, start * kvw + kvh * d, kvw, 1);
        for (int h = kvh * s.Group; h < (kvh + 1) * s.Group; h++)
        {
            Scores(s, start, length, h, q, k, p);
            // dP = dO · Vᵀ, block-causal like the scores.
            for (int i0 = 0; i0 < length; i0 += Block)
            {
                int rows = Math.Min(Block, length - i0);
                Gemm.Multiply(new Gemm.View(dOutput, (start + i0) * qw + h * d, qw, 1), new Gemm.View(v, start * kvw + kvh * d, 1, kvw),
                    ds, i0 * length, length, rows, d, i0 + rows, accumulate: false, threads: 1);
            }
            fixed (float* pdo = dOutput, po = output, pp = p, pds = ds)
            {
                for (int i = 0; i < length; i++)
                {
                    long qi = (long)(start + i) * qw + h * d;
                    float di = VectorMath.Dot(pdo + qi, po + qi, d);
                    AttentionRows.ScoreGradient(pp + (long)i * length, pds + (long)i * length, i + 1, scale, lse[(start + i) * s.Heads + h], di);
                    int masked = Math.Min(length, (i / Block + 1) * Block) - i - 1;
                    p.AsSpan(i * length + i + 1, masked).Clear();
                    ds.AsSpan(i * length + i + 1, masked).Clear();
                }
            }
            for (int b0 = 0; b0 < length; b0 += Block)
            {
                int rows = Math.Min(Block, length - b0);
                // dQ[b0..] = dS[b0.., :b0+rows] · K.
                Gemm.Multiply(new Gemm.View(ds, b0 * length, length, 1), kView, dq, (start + b0) * qw + h * d, qw, rows, b0 + rows, d, accumulate: false, threads: 1);
                // dK[b0..] += dS[b0:, b0..]ᵀ · Q[b0:], dV[b0..] += P[b0:, b0..]ᵀ · dO[b0:] (rows above b0 are zero by causality).
                Gemm.Multiply(new Gemm.View(ds, b0 * length + b0, 1, length), new Gemm.View(q, (start + b0) * qw + h * d, qw, 1),
                    dk, (start + b0) * kvw + kvh * d, kvw, rows, length - b0, d, accumulate: true, threads: 1);
                Gemm.Multiply(new Gemm.View(p, b0 * length + b0, 1, length), new Gemm.View(dOutput, (start + b0) * qw + h * d, qw, 1),
                    dv, (start + b0) * kvw + kvh * d, kvw, rows, length - b0, d, accumulate: true, threads: 1);
            }
        }
    }
}
