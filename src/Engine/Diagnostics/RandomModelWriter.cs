using Architecture = Reasoning.Engine.Models.Architecture;
using Reasoning.Engine.Models;
using System.Runtime.InteropServices;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Safetensors;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Engine.Diagnostics;

/// <summary>
/// Writes a model folder (config.json, model.safetensors, generation_config.json, tokenizer.json) with random
/// weights of a given shape: matrices uniform with standard deviation 0.02, norm weights 1, biases small; a
/// <see cref="ModelHead.ProcessReward"/> config gets the score head's four tensors instead of an lm_head. The
/// tokenizer is byte-level (<see cref="ByteLevelTokenizerFile"/>): ids 0–255 are bytes, the end-of-sequence ids are
/// special tokens, the other ids filler words; it is left out when the vocabulary has no room for it. For benchmarks and tests.
/// </summary>
public static class RandomModelWriter
{
    /// <summary>Writes the folder; returns its path.</summary>
    public static string Write(string directory, ModelConfig config, TensorDType dtype = TensorDType.BF16, ulong seed = 1)
    {
        Directory.CreateDirectory(directory);
        var tensors = new List<TensorToWrite>();
        long h = config.HiddenSize, q = config.QueryWidth, kv = config.KvWidth, inter = config.IntermediateSize;
        ulong next = seed;
        TensorToWrite Matrix(string name, params long[] shape) => Random(name, dtype, shape, 0.02f, 0f, next++);
        TensorToWrite Ones(string name, long n) => Random(name, dtype, [n], 0f, 1f, next++);
        TensorToWrite Bias(string name, long n) => Random(name, dtype, [n], 0.1f, 0f, next++);

        tensors.Add(Matrix("model.embed_tokens.weight", config.VocabSize, h));
        if (config.Head == ModelHead.ProcessReward)
        {
            // Qwen2ForProcessRewardModel: the score head in place of an lm_head.
            tensors.Add(Matrix("score.0.weight", h, h));
            tensors.Add(Bias("score.0.bias", h));
            tensors.Add(Matrix("score.2.weight", ModelConfig.ProcessRewardLabels, h));
            tensors.Add(Bias("score.2.bias", ModelConfig.ProcessRewardLabels));
        }
        else if (!config.TieWordEmbeddings)
            tensors.Add(Matrix("lm_head.weight", config.VocabSize, h));
        tensors.Add(Ones("model.norm.weight", h));
        for (int l = 0; l < config.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            tensors.Add(Ones(p + "input_layernorm.weight", h));
            tensors.Add(Ones(p + "post_attention_layernorm.weight", h));
            tensors.Add(Matrix(p + "self_attn.q_proj.weight", q, h));
            tensors.Add(Matrix(p + "self_attn.k_proj.weight", kv, h));
            tensors.Add(Matrix(p + "self_attn.v_proj.weight", kv, h));
            tensors.Add(Matrix(p + "self_attn.o_proj.weight", h, q));
            tensors.Add(Matrix(p + "mlp.gate_proj.weight", inter, h));
            tensors.Add(Matrix(p + "mlp.up_proj.weight", inter, h));
            tensors.Add(Matrix(p + "mlp.down_proj.weight", h, inter));
            if (config.AttentionBias)
            {
                tensors.Add(Bias(p + "self_attn.q_proj.bias", q));
                tensors.Add(Bias(p + "self_attn.k_proj.bias", kv));
                tensors.Add(Bias(p + "self_attn.v_proj.bias", kv));
            }
            if (config.Architecture == Architecture.Qwen3)
            {
                tensors.Add(Ones(p + "self_attn.q_norm.weight", config.HeadDim));
                tensors.Add(Ones(p + "self_attn.k_norm.weight", config.HeadDim));
            }
        }
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), tensors);
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        File.WriteAllText(Path.Combine(directory, "generation_config.json"),
            $"{{\"eos_token_id\": [{string.Join(", ", config.EosTokenIds)}]}}");
        if (HasRoomForByteTokenizer(config))
            WriteTokenizer(directory, config);
        return directory;
    }

    /// <summary>
    /// Writes the folder's byte-level tokenizer.json (bytes 0–255, the end-of-sequence ids as special tokens, the
    /// other ids filler words);
    /// also for folders written before random models carried one.
    /// </summary>
    /// <exception cref="ArgumentException">The vocabulary is smaller than 256 + the special tokens.</exception>
    public static void WriteTokenizer(string directory, ModelConfig config)
    {
        var specials = Specials(config);
        if (!HasRoomForByteTokenizer(config))
            throw new ArgumentException($"a byte-level tokenizer needs ids 0–255 for the bytes and the special ids {string.Join(", ", specials)} above them, inside the vocabulary; this shape has {config.VocabSize} ids.", nameof(config));
        ByteLevelTokenizerFile.Write(Path.Combine(directory, "tokenizer.json"), specials, config.VocabSize);
    }

    private static bool HasRoomForByteTokenizer(ModelConfig config) =>
        Specials(config).All(id => id >= 256 && id < config.VocabSize);

    private static List<int> Specials(ModelConfig config) =>
        config.EosTokenIds.Concat(config.BosTokenId is int bos ? [bos] : []).Distinct().ToList();

    private static TensorToWrite Random(string name, TensorDType dtype, long[] shape, float std, float mean, ulong seed)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count * dtype.SizeOf()];
        // Uniform in [-a, a] has standard deviation a/√3.
        float amplitude = std * MathF.Sqrt(3f);
        const int chunk = 1 << 20;
        Parallel.For(0, (int)((count + chunk - 1) / chunk), c =>
        {
            ulong state = (seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)c * 0xD1B54A32D192ED03UL) | 1;
            long end = Math.Min(count, (long)(c + 1) * chunk);
            for (long i = (long)c * chunk; i < end; i++)
            {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                float u = (state >> 40) * (1f / (1 << 24));
                float value = mean + amplitude * (2 * u - 1);
                Store(data, dtype, i, value);
            }
        });
        return new TensorToWrite(name, dtype, shape, data);
    }

    private static void Store(byte[] data, TensorDType dtype, long i, float value)
    {
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.Write(data.AsSpan((int)(i * 4)), value);
                break;
            case TensorDType.BF16:
                MemoryMarshal.Write(data.AsSpan((int)(i * 2)), Kernels.Convert.SingleToBF16(value));
                break;
            default:
                MemoryMarshal.Write(data.AsSpan((int)(i * 2)), (Half)value);
                break;
        }
    }
}
