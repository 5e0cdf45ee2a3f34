using System.Buffers;

namespace Reasoning.Training.Kernels;

/// <summary>
/// The row-by-row scalar form of <see cref="CausalAttention"/>: one dot product per (query, key) pair, probabilities
/// recomputed from the log-sum-exp in the backward. Slow and obviously correct; tests check the fast kernel against it.
/// </summary>
public static unsafe class CausalAttentionReference
{
    /// <summary>Computes out and lse [tokens, heads] for every sequence (start, length) in <paramref name="segments"/>.</summary>
    public static void Forward(CausalAttention.Shape s, IReadOnlyList<(int Start, int Length)> segments, float[] q, float[] k, float[] v, float[] output, float[] lse, int threads)
    {
        int items = segments.Count * s.Heads;
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, item =>
        {
            var (start, length) = segments[item / s.Heads];
            ForwardHead(s, start, length, item % s.Heads, q, k, v, output, lse);
        });
    }

    /// <summary>
    /// From dOut, writes dq (overwritten), dk and dv (overwritten) for every sequence; needs the forward's q, k, v, out, lse.
    /// </summary>
    public static void Backward(CausalAttention.Shape s, IReadOnlyList<(int Start, int Length)> segments, float[] q, float[] k, float[] v, float[] output, float[] lse,
        float[] dOutput, float[] dq, float[] dk, float[] dv, int threads)
    {
        int items = segments.Count * s.KvHeads;
        Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, item =>
        {
            var (start, length) = segments[item / s.KvHeads];
            BackwardKvHead(s, start, length, item % s.KvHeads, q, k, v, output, lse, dOutput, dq, dk, dv);
        });
    }

    private static void ForwardHead(CausalAttention.Shape s, int start, int length, int h, float[] q, float[] k, float[] v, float[] output, float[] lse)
    {
        int d = s.HeadDim, qw = s.QueryWidth, kvw = s.KvWidth, kvh = h / s.Group;
        float scale = 1f / MathF.Sqrt(d);
        float[] rented = ArrayPool<float>.Shared.Rent(length);
        try
        {
            fixed (float* pq = q, pk = k, pv = v, po = output, ps = rented)
            {
                for (int i = 0; i < length; i++)
                {
                    float* qi = pq + (long)(start + i) * qw + h * d;
                    float max = float.NegativeInfinity;
                    for (int j = 0; j <= i; j++)
                    {
                        float score = VectorMath.Dot(qi, pk + (long)(start + j) * kvw + kvh * d, d) * scale;
                        ps[j] = score;
                        max = Math.Max(max, score);
                    }
                    float sum = 0;
                    for (int j = 0; j <= i; j++)
                    {
                        ps[j] = MathF.Exp(ps[j] - max);
                        sum += ps[j];
                    }
                    float* oi = po + (long)(start + i) * qw + h * d;
                    new Span<float>(oi, d).Clear();
                    float inv = 1f / sum;
                    for (int j = 0; j <= i; j++)
                        VectorMath.Axpy(ps[j] * inv, pv + (long)(start + j) * kvw + kvh * d, oi, d);
                    lse[(start + i) * s.Heads + h] = max + MathF.Log(sum);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private static void BackwardKvHead(CausalAttention.Shape s, int start, int length, int kvh, float[] q, float[] k, float[] v, float[] output, float[] lse,
        float[] dOutput, float[] dq, float[] dk, float[] dv)
    {
        int d = s.HeadDim, qw = s.QueryWidth, kvw = s.KvWidth;
        float scale = 1f / MathF.Sqrt(d);
        fixed (float* pq = q, pk = k, pv = v, po = output, pdo = dOutput, pdq = dq, pdk = dk, pdv = dv)
        {
            {
                for (int j = 0; j < length; j++)
                {
                    new Span<float>(pdk + (long)(start + j) * kvw + kvh * d, d).Clear();
                    new Span<float>(pdv + (long)(start + j) * kvw + kvh * d, d).Clear();
                }
                for (int h = kvh * s.Group; h < (kvh + 1) * s.Group; h++)
                {
                    for (int i = 0; i < length; i++)
                    {
                        long qi = (long)(start + i) * qw + h * d;
                        float rowLse = lse[(start + i) * s.Heads + h];
                        float di = VectorMath.Dot(pdo + qi, po + qi, d);
                        float* dqi = pdq + qi;
                        new Span<float>(dqi, d).Clear();
                        for (int j = 0; j <= i; j++)
                        {
                            long kj = (long)(start + j) * kvw + kvh * d;
                            float p = MathF.Exp(VectorMath.Dot(pq + qi, pk + kj, d) * scale - rowLse);
                            float dp = VectorMath.Dot(pdo + qi, pv + kj, d);
                            float ds = p * (dp - di) * scale;
                            VectorMath.Axpy(ds, pk + kj, dqi, d);
                            VectorMath.Axpy(ds, pq + qi, pdk + kj, d);
                            VectorMath.Axpy(p, pdo + qi, pdv + kj, d);
                        }
                    }
                }
            }
        }
    }
}
