namespace Reasoning.Engine.Kernels;

/// <summary>Numerically stable softmax, in place.</summary>
public static class Softmax
{
    /// <summary>Replaces <paramref name="values"/> with softmax(values).</summary>
    public static void Apply(Span<float> values)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
            max = MathF.Max(max, values[i]);
        float sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = MathF.Exp(values[i] - max);
            sum += values[i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < values.Length; i++)
            values[i] *= inv;
    }
}
