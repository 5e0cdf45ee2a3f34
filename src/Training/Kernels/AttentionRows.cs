using System.Runtime.Intrinsics;
using FastExp = Reasoning.Engine.Kernels.FastExp;

namespace Reasoning.Training.Kernels;

/// <summary>The two row loops of attention: the forward softmax and the backward's score gradient, vectorized.</summary>
internal static unsafe class AttentionRows
{
    /// <summary>
    /// Turns raw scores row[0..n) into probabilities softmax(scale · row) in place and returns the log-sum-exp of
    /// the scaled scores. Sums run in a fixed lane order, so results do not depend on threads.
    /// </summary>
    public static float Softmax(float* row, int n, float scale)
    {
        int vn = n & ~15;
        var vs = Vector512.Create(scale);
        var vmax = Vector512.Create(float.NegativeInfinity);
        for (int j = 0; j < vn; j += 16)
        {
            var x = Vector512.Load(row + j) * vs;
            x.Store(row + j);
            vmax = Vector512.Max(vmax, x);
        }
        float max = vn > 0 ? MaxLane(vmax) : float.NegativeInfinity;
        for (int j = vn; j < n; j++)
            max = Math.Max(max, row[j] *= scale);
        var vm = Vector512.Create(max);
        var vsum = Vector512<float>.Zero;
        for (int j = 0; j < vn; j += 16)
        {
            var e = FastExp.Exp(Vector512.Load(row + j) - vm);
            e.Store(row + j);
            vsum += e;
        }
        float sum = Vector512.Sum(vsum);
        for (int j = vn; j < n; j++)
            sum += row[j] = FastExp.Exp(row[j] - max);
        var inv = Vector512.Create(1f / sum);
        for (int j = 0; j < vn; j += 16)
            (Vector512.Load(row + j) * inv).Store(row + j);
        for (int j = vn; j < n; j++)
            row[j] *= inv[0];
        return max + MathF.Log(sum);
    }

    /// <summary>
    /// From raw scores s (in <paramref name="p"/>) and dP (in <paramref name="ds"/>), writes the probabilities
    /// p = e^(scale·s − lse) and the score gradient ds = p · (dP − D) · scale, for j &lt; n.
    /// </summary>
    public static void ScoreGradient(float* p, float* ds, int n, float scale, float lse, float d)
    {
        int vn = n & ~15;
        var vs = Vector512.Create(scale);
        var vl = Vector512.Create(lse);
        var vd = Vector512.Create(d);
        for (int j = 0; j < vn; j += 16)
        {
            var prob = FastExp.Exp(Vector512.FusedMultiplyAdd(Vector512.Load(p + j), vs, -vl));
            prob.Store(p + j);
            ((Vector512.Load(ds + j) - vd) * prob * vs).Store(ds + j);
        }
        for (int j = vn; j < n; j++)
        {
            float prob = FastExp.Exp(MathF.FusedMultiplyAdd(p[j], scale, -lse));
            p[j] = prob;
            ds[j] = (ds[j] - d) * prob * scale;
        }
    }

    private static float MaxLane(Vector512<float> v)
    {
        var m = Vector256.Max(v.GetLower(), v.GetUpper());
        var m128 = Vector128.Max(m.GetLower(), m.GetUpper());
        float best = m128[0];
        for (int i = 1; i < 4; i++)
            best = Math.Max(best, m128[i]);
        return best;
    }
}
