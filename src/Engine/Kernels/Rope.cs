namespace Reasoning.Engine.Kernels;

/// <summary>
/// Rotary position embedding in Hugging Face's rotate-half form: for i &lt; d/2, the pair (x[i], x[i + d/2]) is rotated
/// by angle p · θ^(−2i/d). Angles are computed in double precision so long positions keep their accuracy; a table
/// caches the cosines and sines of the positions seen.
/// </summary>
public sealed class Rope
{
    private readonly double[] _invFreq;
    private readonly int _half;
    private float[] _cos = [];
    private float[] _sin = [];
    private int _cachedPositions;
    private readonly Lock _grow = new();

    /// <summary>Width of the rotated head vectors.</summary>
    public int HeadDim { get; }

    /// <summary>Creates the rotation for head vectors of width <paramref name="headDim"/> and base <paramref name="theta"/>.</summary>
    public Rope(int headDim, double theta, int initialPositions = 4096)
    {
        HeadDim = headDim;
        _half = headDim / 2;
        _invFreq = new double[_half];
        for (int i = 0; i < _half; i++)
        {
            // Hugging Face computes inv_freq in float32: 1 / theta^(arange(0, d, 2) / d).
            _invFreq[i] = (float)(1.0 / Math.Pow(theta, 2.0 * i / headDim));
        }
        EnsurePositions(initialPositions);
    }

    private void EnsurePositions(int count)
    {
        if (count <= _cachedPositions)
            return;
        lock (_grow)
        {
            if (count <= _cachedPositions)
                return;
            int size = Math.Max(count, _cachedPositions * 2);
            var cos = new float[size * _half];
            var sin = new float[size * _half];
            for (int p = 0; p < size; p++)
                for (int i = 0; i < _half; i++)
                {
                    double angle = p * _invFreq[i];
                    cos[p * _half + i] = (float)Math.Cos(angle);
                    sin[p * _half + i] = (float)Math.Sin(angle);
                }
            _cos = cos;
            _sin = sin;
            _cachedPositions = size;
        }
    }

    /// <summary>Rotates one head vector <paramref name="x"/> (length <see cref="HeadDim"/>) to position <paramref name="position"/> (may be negative).</summary>
    public void Apply(Span<float> x, int position)
    {
        if (position >= 0)
        {
            EnsurePositions(position + 1);
            var cos = _cos.AsSpan(position * _half, _half);
            var sin = _sin.AsSpan(position * _half, _half);
            for (int i = 0; i < _half; i++)
            {
                float x1 = x[i], x2 = x[i + _half];
                x[i] = x1 * cos[i] - x2 * sin[i];
                x[i + _half] = x2 * cos[i] + x1 * sin[i];
            }
            return;
        }
        for (int i = 0; i < _half; i++)
        {
            double angle = position * _invFreq[i];
            float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
            float x1 = x[i], x2 = x[i + _half];
            x[i] = x1 * c - x2 * s;
            x[i + _half] = x2 * c + x1 * s;
        }
    }
}
