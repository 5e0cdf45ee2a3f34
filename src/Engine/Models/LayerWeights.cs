using Reasoning.Engine.Kernels;

namespace Reasoning.Engine.Models;

/// <summary>The weights of one transformer block. Matrices are [out, in]; vectors are widened to f32.</summary>
public sealed class LayerWeights : IDisposable
{
    /// <summary>RMSNorm before attention, [hidden].</summary>
    public required float[] InputNorm { get; init; }
    /// <summary>Query projection, [heads·headDim, hidden].</summary>
    public required WeightMatrix Q { get; init; }
    /// <summary>Key projection, [kvHeads·headDim, hidden].</summary>
    public required WeightMatrix K { get; init; }
    /// <summary>Value projection, [kvHeads·headDim, hidden].</summary>
    public required WeightMatrix V { get; init; }
    /// <summary>Output projection, [hidden, heads·headDim].</summary>
    public required WeightMatrix O { get; init; }
    /// <summary>Query bias (Qwen2), [heads·headDim].</summary>
    public float[]? QBias { get; init; }
    /// <summary>Key bias (Qwen2), [kvHeads·headDim].</summary>
    public float[]? KBias { get; init; }
    /// <summary>Value bias (Qwen2), [kvHeads·headDim].</summary>
    public float[]? VBias { get; init; }
    /// <summary>Per-head RMSNorm of queries (Qwen3), [headDim].</summary>
    public float[]? QNorm { get; init; }
    /// <summary>Per-head RMSNorm of keys (Qwen3), [headDim].</summary>
    public float[]? KNorm { get; init; }
    /// <summary>RMSNorm before the MLP, [hidden].</summary>
    public required float[] PostAttentionNorm { get; init; }
    /// <summary>MLP gate, [intermediate, hidden].</summary>
    public required WeightMatrix Gate { get; init; }
    /// <summary>MLP up, [intermediate, hidden].</summary>
    public required WeightMatrix Up { get; init; }
    /// <summary>MLP down, [hidden, intermediate].</summary>
    public required WeightMatrix Down { get; init; }

    /// <summary>Frees the matrices.</summary>
    public void Dispose()
    {
        foreach (var m in new[] { Q, K, V, O, Gate, Up, Down })
            m.Dispose();
    }
}
