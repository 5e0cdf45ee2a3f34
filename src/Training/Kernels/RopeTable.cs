namespace Reasoning.Training.Kernels;

/// <summary>
/// Rotary embedding (Hugging Face rotate-half) with the engine's exact tables: inverse frequencies rounded to f32,
/// angles in double, cosines and sines rounded to f32. The backward is the rotation by the opposite angle.
/// </summary>
public sealed class RopeTable
{
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int _half;

    /// <summary>Width of the rotated head vectors.</summary>
    public int HeadDim { get; }

    /// <summary>The number of positions the table covers.</summary>
    public int Positions { get; }

    /// <summary>Builds the table for head width <paramref name="headDim"/>, base <paramref name="theta"/>, positions [0, positions).</summary>
    public RopeTable(int headDim, double theta, int positions)
    {
        HeadDim = headDim;
        Positions = positions;
        _half = headDim / 2;
        _cos = new float[positions * _half];
        _sin = new float[positions * _half];
        for (int i = 0; i < _half; i++)
        {
            double invFreq = (float)(1.0 / Math.Pow(theta, 2.0 * i / headDim));
            for (int p = 0; p < positions; p++)
            {
                double angle = p * invFreq;
                _cos[p * _half + i] = (float)Math.Cos(angle);
                _sin[p * _half + i] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Rotates <paramref name="x"/> (one head) to <paramref name="position"/>.</summary>
    public void Forward(Span<float> x, int position) => Rotate(x, position, 1f);

    /// <summary>Turns the gradient with respect to the rotated vector into the gradient with respect to the input.</summary>
    public void Backward(Span<float> dy, int position) => Rotate(dy, position, -1f);

    private void Rotate(Span<float> x, int position, float direction)
    {
        var cos = _cos.AsSpan(position * _half, _half);
        var sin = _sin.AsSpan(position * _half, _half);
        for (int i = 0; i < _half; i++)
        {
            float x1 = x[i], x2 = x[i + _half], s = direction * sin[i];
            x[i] = x1 * cos[i] - x2 * s;
            x[i + _half] = x2 * cos[i] + x1 * s;
        }
    }
}
