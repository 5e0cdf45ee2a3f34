namespace Reasoning.Training.Optim;

/// <summary>Global-norm gradient clipping with a deterministic norm: fixed chunks, partial sums in double, added in order.</summary>
public static class GradientClipping
{
    private const int Chunk = 1 << 16;

    /// <summary>The L2 norm of <paramref name="g"/>.</summary>
    public static double Norm(float[] g, int threads = 0)
    {
        int chunks = (g.Length + Chunk - 1) / Chunk;
        var partial = new double[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, c =>
        {
            double sum = 0;
            for (int i = c * Chunk; i < Math.Min(g.Length, (c + 1) * Chunk); i++)
                sum += (double)g[i] * g[i];
            partial[c] = sum;
        });
        double total = 0;
        foreach (double p in partial)
            total += p;
        return Math.Sqrt(total);
    }

    /// <summary>Scales <paramref name="g"/> so its norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static double Clip(float[] g, double maxNorm, int threads = 0)
    {
        double norm = Norm(g, threads);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            for (int i = 0; i < g.Length; i++)
                g[i] *= scale;
        }
        return norm;
    }
}
