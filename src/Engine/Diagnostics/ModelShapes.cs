using Reasoning.Engine.Models;
namespace Reasoning.Engine.Diagnostics;

/// <summary>Named model shapes, for benchmarks on random weights (no download needed).</summary>
public static class ModelShapes
{
    /// <summary>The shapes by name.</summary>
    public static IReadOnlyDictionary<string, ModelConfig> All { get; } = new Dictionary<string, ModelConfig>(StringComparer.OrdinalIgnoreCase)
    {
        ["qwen2.5-0.5b"] = new()
        {
            Architecture = Architecture.Qwen2, HiddenSize = 896, NumLayers = 24, NumHeads = 14, NumKvHeads = 2, HeadDim = 64,
            IntermediateSize = 4864, VocabSize = 151936, MaxPositionEmbeddings = 32768, RopeTheta = 1000000, RmsNormEps = 1e-6f,
            TieWordEmbeddings = true, AttentionBias = true, EosTokenIds = [151643, 151645], BosTokenId = 151643,
        },
        ["qwen3-0.6b"] = new()
        {
            Architecture = Architecture.Qwen3, HiddenSize = 1024, NumLayers = 28, NumHeads = 16, NumKvHeads = 8, HeadDim = 128,
            IntermediateSize = 3072, VocabSize = 151936, MaxPositionEmbeddings = 40960, RopeTheta = 1000000, RmsNormEps = 1e-6f,
            TieWordEmbeddings = true, AttentionBias = false, EosTokenIds = [151645, 151643], BosTokenId = 151643,
        },
        ["llama3.2-1b"] = new()
        {
            Architecture = Architecture.Llama, HiddenSize = 2048, NumLayers = 16, NumHeads = 32, NumKvHeads = 8, HeadDim = 64,
            IntermediateSize = 8192, VocabSize = 128256, MaxPositionEmbeddings = 131072, RopeTheta = 500000, RmsNormEps = 1e-5f,
            TieWordEmbeddings = true, AttentionBias = false, EosTokenIds = [128001, 128008, 128009], BosTokenId = 128000,
        },
        ["tiny"] = new()
        {
            Architecture = Architecture.Llama, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKvHeads = 2, HeadDim = 16,
            IntermediateSize = 128, VocabSize = 300, MaxPositionEmbeddings = 4096, RopeTheta = 10000, RmsNormEps = 1e-5f,
            TieWordEmbeddings = false, AttentionBias = false, EosTokenIds = [297],
        },
    };

    /// <summary>Looks a shape up by name.</summary>
    /// <exception cref="Errors.InvalidRequestException">No shape has that name; the message lists the known ones.</exception>
    public static ModelConfig Get(string name) =>
        All.TryGetValue(name, out var config) ? config
            : throw new Errors.InvalidRequestException($"unknown model shape '{name}'; known shapes: {string.Join(", ", All.Keys)}.");
}
