namespace Reasoning.Engine.Kernels;

/// <summary>The scalar, obviously-correct matrix multiply the fast kernel is checked against.</summary>
public static class MatMulReference
{
    /// <summary>y[r, o] = Σ_k x[r, k] · W[o, k] (+ bias[o]), one scalar accumulation per element, k ascending.</summary>
    public static void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int rows, Span<float> y, ReadOnlySpan<float> bias = default)
    {
        var row = new float[w.Cols];
        for (int o = 0; o < w.Rows; o++)
        {
            w.ReadRow(o, row);
            for (int r = 0; r < rows; r++)
            {
                var xr = x.Slice(r * w.Cols, w.Cols);
                float sum = 0;
                for (int k = 0; k < w.Cols; k++)
                    sum += xr[k] * row[k];
                y[r * w.Rows + o] = bias.IsEmpty ? sum : sum + bias[o];
            }
        }
    }
}
