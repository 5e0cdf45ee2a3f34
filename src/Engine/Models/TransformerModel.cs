using Reasoning.Engine.Errors;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Models;

/// <summary>
/// A Llama-family decoder (Llama, Qwen2, Qwen3) loaded from a Hugging Face folder: config.json and safetensors
/// weights, checked tensor by tensor against the config and repacked once into the kernels' layout.
/// </summary>
public sealed class TransformerModel : IDisposable
{
    /// <summary>The model's shape.</summary>
    public ModelConfig Config { get; }
    /// <summary>The folder it was loaded from (or a description).</summary>
    public string Source { get; }
    /// <summary>Token embeddings, [vocab, hidden].</summary>
    public WeightMatrix Embeddings { get; }
    /// <summary>
    /// Language-model head, [vocab, hidden]; the same object as <see cref="Embeddings"/> when tied; null for a model
    /// with a <see cref="ScoreHead"/> instead.
    /// </summary>
    public WeightMatrix? LmHead { get; }
    /// <summary>The token-classification head of a process reward model (<see cref="ModelHead.ProcessReward"/>); null otherwise.</summary>
    public ScoreHead? ScoreHead { get; }
    /// <summary>The final RMSNorm, [hidden].</summary>
    public float[] FinalNorm { get; }
    /// <summary>The blocks.</summary>
    public IReadOnlyList<LayerWeights> Layers { get; }
    /// <summary>Rotary embedding of head vectors.</summary>
    public Rope Rope { get; }
    /// <summary>Bytes of weights held in memory.</summary>
    public long WeightBytes { get; }

    private TransformerModel(ModelConfig config, string source, WeightMatrix embeddings, WeightMatrix? lmHead, ScoreHead? scoreHead,
        float[] finalNorm, IReadOnlyList<LayerWeights> layers)
    {
        Config = config;
        Source = source;
        Embeddings = embeddings;
        LmHead = lmHead;
        ScoreHead = scoreHead;
        FinalNorm = finalNorm;
        Layers = layers;
        Rope = new Rope(config.HeadDim, config.RopeTheta, Math.Min(config.MaxPositionEmbeddings, 8192));
        WeightBytes = embeddings.ByteLength + (lmHead is null || ReferenceEquals(lmHead, embeddings) ? 0 : lmHead.ByteLength)
            + (scoreHead?.ByteLength ?? 0)
            + layers.Sum(l => l.Q.ByteLength + l.K.ByteLength + l.V.ByteLength + l.O.ByteLength + l.Gate.ByteLength + l.Up.ByteLength + l.Down.ByteLength);
    }

    /// <summary>Loads a model folder holding config.json and model.safetensors (or a sharded index).</summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, or a tensor does not match the config.</exception>
    public static TransformerModel Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ModelFormatException(directory, "folder not found; pass a Hugging Face model folder (config.json + model.safetensors).");
        var config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        using var store = WeightStore.Open(directory);
        return Load(config, store, directory);
    }

    /// <summary>Builds a model from a config and an open weight store.</summary>
    public static TransformerModel Load(ModelConfig config, WeightStore store, string source)
    {
        var owned = new List<IDisposable>();
        try
        {
            long hidden = config.HiddenSize, vocab = config.VocabSize;
            var embeddings = Matrix(store, "model.embed_tokens.weight", vocab, hidden, owned);
            WeightMatrix? lmHead = null;
            ScoreHead? scoreHead = null;
            // A reward model's checkpoint may still carry an lm_head from its base model; the head it is read with is
            // the score head, so that tensor is ignored (as vLLM's loader does).
            if (config.Head == ModelHead.ProcessReward)
            {
                scoreHead = ScoreHead.Load(store, config.HiddenSize, ModelConfig.ProcessRewardLabels);
                owned.Add(scoreHead);
            }
            else if (store.Contains("lm_head.weight") && !config.TieWordEmbeddings)
                lmHead = Matrix(store, "lm_head.weight", vocab, hidden, owned);
            else if (config.TieWordEmbeddings)
                lmHead = embeddings;
            else
                throw new ModelFormatException(store.Directory, "is missing while tie_word_embeddings is false; the config needs an output head [vocab, hidden].", "lm_head.weight");
            var finalNorm = store.ReadFloats(store.Get("model.norm.weight", hidden));
            var layers = new List<LayerWeights>();
            for (int i = 0; i < config.NumLayers; i++)
            {
                var layer = LoadLayer(config, store, $"model.layers.{i}.", owned);
                layers.Add(layer);
            }
            return new TransformerModel(config, source, embeddings, lmHead, scoreHead, finalNorm, layers);
        }
        catch
        {
            foreach (var d in owned)
                d.Dispose();
            throw;
        }
    }

    private static LayerWeights LoadLayer(ModelConfig c, WeightStore store, string prefix, List<IDisposable> owned)
    {
        long hidden = c.HiddenSize, q = c.QueryWidth, kv = c.KvWidth, inter = c.IntermediateSize;
        float[]? Bias(string name, long n) => c.AttentionBias ? store.ReadFloats(store.Get(prefix + name, n)) : null;
        float[]? HeadNorm(string name) => c.Architecture == Architecture.Qwen3 ? store.ReadFloats(store.Get(prefix + name, c.HeadDim)) : null;
        return new LayerWeights
        {
            InputNorm = store.ReadFloats(store.Get(prefix + "input_layernorm.weight", hidden)),
            Q = Matrix(store, prefix + "self_attn.q_proj.weight", q, hidden, owned),
            K = Matrix(store, prefix + "self_attn.k_proj.weight", kv, hidden, owned),
            V = Matrix(store, prefix + "self_attn.v_proj.weight", kv, hidden, owned),
            O = Matrix(store, prefix + "self_attn.o_proj.weight", hidden, q, owned),
            QBias = Bias("self_attn.q_proj.bias", q),
            KBias = Bias("self_attn.k_proj.bias", kv),
            VBias = Bias("self_attn.v_proj.bias", kv),
            QNorm = HeadNorm("self_attn.q_norm.weight"),
            KNorm = HeadNorm("self_attn.k_norm.weight"),
            PostAttentionNorm = store.ReadFloats(store.Get(prefix + "post_attention_layernorm.weight", hidden)),
            Gate = Matrix(store, prefix + "mlp.gate_proj.weight", inter, hidden, owned),
            Up = Matrix(store, prefix + "mlp.up_proj.weight", inter, hidden, owned),
            Down = Matrix(store, prefix + "mlp.down_proj.weight", hidden, inter, owned),
        };
    }

    private static WeightMatrix Matrix(WeightStore store, string name, long rows, long cols, List<IDisposable> owned)
    {
        var info = store.Get(name, rows, cols);
        var matrix = WeightMatrix.Pack(store.GetBytes(info), info.DType, (int)rows, (int)cols);
        owned.Add(matrix);
        return matrix;
    }

    /// <summary>Frees every weight.</summary>
    public void Dispose()
    {
        Embeddings.Dispose();
        if (LmHead is not null && !ReferenceEquals(LmHead, Embeddings))
            LmHead.Dispose();
        ScoreHead?.Dispose();
        foreach (var l in Layers)
            l.Dispose();
    }
}
