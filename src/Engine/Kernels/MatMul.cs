namespace Reasoning.Engine.Kernels;

/// <summary>
/// y[r, o] = Σ_k x[r, k] · W[o, k] (+ bias[o]) for every row r of a batch. Each output element is reduced in an order
/// that depends only on <c>Cols</c>, never on the number of rows, so a row's result is bitwise the same alone or in
/// any batch (the engine's batch-invariance promise).
/// </summary>
public static class MatMul
{
    /// <summary>Multiplies <paramref name="rows"/> rows of <paramref name="x"/> ([rows, W.Cols]) by Wᵀ into <paramref name="y"/> ([rows, W.Rows]).</summary>
    public static void Multiply(WeightMatrix w, ReadOnlySpan<float> x, int rows, Span<float> y, ReadOnlySpan<float> bias = default, ThreadTeam? team = null)
    {
        if (x.Length < rows * w.Cols || y.Length < rows * w.Rows)
            throw new ArgumentException($"MatMul [{rows}, {w.Cols}] × [{w.Cols}, {w.Rows}]: x has {x.Length} floats, y {y.Length}.");
        MatMulReference.Multiply(w, x, rows, y, bias);
    }
}
