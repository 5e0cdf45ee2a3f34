using Reasoning.Training.Model;

namespace Reasoning.Training.Optim;

/// <summary>AdamW's hyper-parameters.</summary>
/// <param name="Beta1">Decay of the first moment.</param>
/// <param name="Beta2">Decay of the second moment.</param>
/// <param name="Epsilon">Added to the root of the second moment.</param>
/// <param name="WeightDecay">Decoupled decay, applied to matrices only (not norms).</param>
public sealed record AdamWSettings(float Beta1 = 0.9f, float Beta2 = 0.95f, float Epsilon = 1e-8f, float WeightDecay = 0.1f);

/// <summary>
/// AdamW (decoupled weight decay, bias-corrected moments) over the flat parameter vector. Element-wise, so splitting
/// the work between threads cannot change a single bit of the result.
/// </summary>
public sealed class AdamW
{
    private const int Chunk = 1 << 16;
    private readonly ParameterLayout _layout;
    private readonly AdamWSettings _settings;
    private readonly ParallelOptions _parallel;

    /// <summary>First moments, laid out like the parameters.</summary>
    public float[] M { get; }
    /// <summary>Second moments, laid out like the parameters.</summary>
    public float[] V { get; }
    /// <summary>Updates applied so far (drives the bias correction).</summary>
    public long Steps { get; set; }

    /// <summary>Creates zeroed moments for <paramref name="layout"/>.</summary>
    public AdamW(ParameterLayout layout, AdamWSettings settings, int threads = 0)
    {
        _layout = layout;
        _settings = settings;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        M = new float[layout.Count];
        V = new float[layout.Count];
    }

    /// <summary>Applies one update with learning rate <paramref name="lr"/> from gradient <paramref name="g"/>.</summary>
    public void Update(float[] w, float[] g, float lr)
    {
        Steps++;
        var s = _settings;
        float c1 = (float)(1.0 / (1.0 - Math.Pow(s.Beta1, Steps)));
        float c2 = (float)(1.0 / (1.0 - Math.Pow(s.Beta2, Steps)));
        var work = new List<(int Start, int End, bool Decay)>();
        foreach (var t in _layout.Tensors)
            for (int start = t.Offset; start < t.Offset + t.Count; start += Chunk)
                work.Add((start, Math.Min(t.Offset + t.Count, start + Chunk), t.Decay));
        Parallel.For(0, work.Count, _parallel, i =>
        {
            var (start, end, decay) = work[i];
            float shrink = decay ? 1f - lr * s.WeightDecay : 1f;
            for (int j = start; j < end; j++)
            {
                float gj = g[j];
                float m = M[j] = s.Beta1 * M[j] + (1f - s.Beta1) * gj;
                float v = V[j] = s.Beta2 * V[j] + (1f - s.Beta2) * gj * gj;
                w[j] = w[j] * shrink - lr * (m * c1) / (MathF.Sqrt(v * c2) + s.Epsilon);
            }
        });
    }
}
