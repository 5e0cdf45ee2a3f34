using Reasoning.Engine.Models;

namespace Reasoning.Training.Model;

/// <summary>One named tensor inside the flat parameter vector, under its Hugging Face name.</summary>
/// <param name="Name">Hugging Face tensor name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</param>
/// <param name="Offset">Index of its first element in the flat vector.</param>
/// <param name="Shape">[rows, cols] for matrices, [n] for vectors.</param>
/// <param name="Decay">Whether AdamW applies weight decay to it (matrices yes, norms no).</param>
public sealed record ParameterTensor(string Name, int Offset, int[] Shape, bool Decay)
{
    /// <summary>Number of elements.</summary>
    public int Count => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>Offsets of one block's tensors in the flat parameter vector. Matrices are [out, in].</summary>
public sealed record LayerOffsets(int InputNorm, int Q, int K, int V, int O, int PostNorm, int Gate, int Up, int Down);

/// <summary>
/// Where every weight of a Llama model lives in one flat f32 vector: parameters, gradients and both AdamW moments
/// share this layout, so the optimizer, clipping and checkpoints work on plain arrays.
/// </summary>
public sealed class ParameterLayout
{
    /// <summary>The model's shape.</summary>
    public ModelConfig Config { get; }
    /// <summary>Every tensor, in storage order.</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }
    /// <summary>Total number of parameters.</summary>
    public int Count { get; }
    /// <summary>Offset of the embeddings [vocab, hidden].</summary>
    public int Embeddings { get; }
    /// <summary>Offset of the output head [vocab, hidden]; equals <see cref="Embeddings"/> when tied.</summary>
    public int LmHead { get; }
    /// <summary>Offset of the final RMSNorm weight [hidden].</summary>
    public int FinalNorm { get; }
    /// <summary>Offsets of each block.</summary>
    public IReadOnlyList<LayerOffsets> Layers { get; }

    /// <summary>Lays out the parameters of <paramref name="config"/>.</summary>
    /// <exception cref="TrainingException">The config asks for something the trainer does not implement (biases, q/k-norm).</exception>
    public ParameterLayout(ModelConfig config)
    {
        Validate(config);
        Config = config;
        var tensors = new List<ParameterTensor>();
        int next = 0;
        int Add(string name, bool decay, params int[] shape)
        {
            var t = new ParameterTensor(name, next, shape, decay);
            tensors.Add(t);
            next = checked(next + t.Count);
            return t.Offset;
        }
        int h = config.HiddenSize, qw = config.QueryWidth, kvw = config.KvWidth, inter = config.IntermediateSize;
        Embeddings = Add("model.embed_tokens.weight", true, config.VocabSize, h);
        var layers = new List<LayerOffsets>();
        for (int l = 0; l < config.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            layers.Add(new LayerOffsets(
                InputNorm: Add(p + "input_layernorm.weight", false, h),
                Q: Add(p + "self_attn.q_proj.weight", true, qw, h),
                K: Add(p + "self_attn.k_proj.weight", true, kvw, h),
                V: Add(p + "self_attn.v_proj.weight", true, kvw, h),
                O: Add(p + "self_attn.o_proj.weight", true, h, qw),
                PostNorm: Add(p + "post_attention_layernorm.weight", false, h),
                Gate: Add(p + "mlp.gate_proj.weight", true, inter, h),
                Up: Add(p + "mlp.up_proj.weight", true, inter, h),
                Down: Add(p + "mlp.down_proj.weight", true, h, inter)));
        }
        FinalNorm = Add("model.norm.weight", false, h);
        LmHead = config.TieWordEmbeddings ? Embeddings : Add("lm_head.weight", true, config.VocabSize, h);
        Layers = layers;
        Tensors = tensors;
        Count = next;
    }

    /// <summary>Throws when the trainer cannot train <paramref name="config"/>.</summary>
    public static void Validate(ModelConfig config)
    {
        if (config.Architecture != Architecture.Llama)
            throw new TrainingException($"the trainer trains LlamaForCausalLM only; the config names {config.Architecture} " +
                "(Qwen2 q/k/v biases and Qwen3 q/k-norm have no backward). Set \"architectures\": [\"LlamaForCausalLM\"].");
        if (config.AttentionBias)
            throw new TrainingException("attention_bias is true, but the trainer implements Llama without q/k/v biases; set \"attention_bias\": false.");
    }

    /// <summary>Fills norms with one and every other tensor with N(0, std²), deterministically from <paramref name="seed"/>.</summary>
    public void Initialize(float[] weights, ulong seed, float std = 0.02f)
    {
        var rng = new SplitMix64(seed);
        foreach (var t in Tensors)
        {
            var span = weights.AsSpan(t.Offset, t.Count);
            if (t.Shape.Length == 1)
                span.Fill(1f);
            else
                for (int i = 0; i < span.Length; i++)
                    span[i] = (float)(rng.NextGaussian() * std);
        }
    }
}
