using Reasoning.Engine.Models;

namespace Reasoning.Training.Tests.Support;

/// <summary>Small Llama shapes for gradient checks and overfitting.</summary>
public static class TinyModels
{
    public static ModelConfig Llama(int hidden = 16, int layers = 2, int heads = 4, int kvHeads = 2, int inter = 24, int vocab = 24, bool tied = false) => new()
    {
        Architecture = Architecture.Llama,
        HiddenSize = hidden,
        NumLayers = layers,
        NumHeads = heads,
        NumKvHeads = kvHeads,
        HeadDim = hidden / heads,
        IntermediateSize = inter,
        VocabSize = vocab,
        MaxPositionEmbeddings = 256,
        RopeTheta = 10000.0,
        RmsNormEps = 1e-5f,
        TieWordEmbeddings = tied,
        AttentionBias = false,
        EosTokenIds = [vocab - 1],
    };
}
