using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Io;

namespace Reasoning.Engine.Models;

/// <summary>The architectures the engine runs; each differs from Llama in a few flags.</summary>
public enum Architecture
{
    /// <summary><c>LlamaForCausalLM</c>, and <c>MistralForCausalLM</c> within its sliding window.</summary>
    Llama,
    /// <summary><c>Qwen2ForCausalLM</c>: biases on the q/k/v projections.</summary>
    Qwen2,
    /// <summary><c>Qwen3ForCausalLM</c>: RMSNorm over each head's q and k before RoPE; explicit head_dim.</summary>
    Qwen3,
}

/// <summary>What the model computes from its last hidden states.</summary>
public enum ModelHead
{
    /// <summary>A language-model head: one logit per vocabulary id (<c>lm_head.weight</c>, or the tied embeddings).</summary>
    LanguageModel,
    /// <summary>
    /// <c>Qwen2ForProcessRewardModel</c> (Qwen2.5-Math-PRM): no language-model head; a token-classification head
    /// <c>score = Sequential(Linear(hidden, hidden), ReLU, Linear(hidden, 2))</c> gives two label logits per token.
    /// </summary>
    ProcessReward,
}

/// <summary>
/// A model's shape and hyper-parameters, read from a Hugging Face <c>config.json</c> and checked for consistency.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The architecture family.</summary>
    public required Architecture Architecture { get; init; }
    /// <summary>Width of the residual stream.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Number of transformer blocks.</summary>
    public required int NumLayers { get; init; }
    /// <summary>Number of query heads.</summary>
    public required int NumHeads { get; init; }
    /// <summary>Number of key/value heads (grouped-query attention when smaller than <see cref="NumHeads"/>).</summary>
    public required int NumKvHeads { get; init; }
    /// <summary>Width of one attention head.</summary>
    public required int HeadDim { get; init; }
    /// <summary>Width of the SwiGLU MLP.</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Number of rows of the embedding matrix.</summary>
    public required int VocabSize { get; init; }
    /// <summary>The longest context the model was trained for (for Mistral, at most its attention's sliding window).</summary>
    public required int MaxPositionEmbeddings { get; init; }
    /// <summary>RoPE base frequency.</summary>
    public required double RopeTheta { get; init; }
    /// <summary>Epsilon of every RMSNorm.</summary>
    public required float RmsNormEps { get; init; }
    /// <summary>Whether the output head reuses the embedding matrix.</summary>
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>Whether q/k/v projections carry biases (Qwen2, or <c>attention_bias</c>).</summary>
    public required bool AttentionBias { get; init; }
    /// <summary>Token ids that end generation, from config.json (generation_config.json may override).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    /// <summary>The beginning-of-sequence token id, when the config names one.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>The output head; <see cref="ModelHead.LanguageModel"/> unless config.json names a reward model.</summary>
    public ModelHead Head { get; init; } = ModelHead.LanguageModel;

    /// <summary>Label logits per token of a <see cref="ModelHead.ProcessReward"/> head (the HF class fixes 2).</summary>
    public const int ProcessRewardLabels = 2;

    /// <summary>Values the output head gives per token: the vocabulary size, or the label count of a score head.</summary>
    public int OutputWidth => Head == ModelHead.ProcessReward ? ProcessRewardLabels : VocabSize;

    /// <summary>Query heads that share one key/value head.</summary>
    public int GroupSize => NumHeads / NumKvHeads;

    /// <summary>Width of all query heads together.</summary>
    public int QueryWidth => NumHeads * HeadDim;

    /// <summary>Width of all key (or value) heads together.</summary>
    public int KvWidth => NumKvHeads * HeadDim;

    /// <summary>Reads and validates a <c>config.json</c> file.</summary>
    /// <exception cref="ModelFormatException">The file is missing, not JSON, names an unsupported architecture, or is inconsistent.</exception>
    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new ModelFormatException(path, "file not found: a model folder needs config.json (Hugging Face layout).");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static ModelConfig Parse(string json, string source)
    {
        if (JsonText.FindTextError(System.Text.Encoding.UTF8.GetBytes(json)) is { } textError)
            throw new ModelFormatException(source, textError);
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(json);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(source, $"is not valid JSON ({e.Message}); expected a Hugging Face config.json.", inner: e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(source, "must hold a JSON object.");

        var reader = new JsonFields(root, source);
        var (architecture, head) = ReadArchitecture(reader, source);
        int hidden = reader.PositiveInt("hidden_size");
        int heads = reader.PositiveInt("num_attention_heads");
        int kvHeads = reader.OptionalPositiveInt("num_key_value_heads") ?? heads;
        int? headDimField = reader.OptionalPositiveInt("head_dim");
        if (headDimField is null && hidden % heads != 0)
            throw new ModelFormatException(source, $"hidden_size {hidden} is not divisible by num_attention_heads {heads}, and no head_dim is given.");
        int headDim = headDimField ?? hidden / heads;
        if (heads % kvHeads != 0)
            throw new ModelFormatException(source, $"num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}.");
        if (headDim % 2 != 0)
            throw new ModelFormatException(source, $"head_dim {headDim} must be even for rotary embeddings.");
        string act = reader.OptionalString("hidden_act") ?? "silu";
        if (act != "silu")
            throw new ModelFormatException(source, $"hidden_act '{act}' is not supported; the engine implements SwiGLU with 'silu'.");
        if (reader.OptionalObject("rope_scaling") is { } scaling)
        {
            string kind = scaling.OptionalString("rope_type") ?? scaling.OptionalString("type") ?? "";
            if (kind != "default")
                throw new ModelFormatException(source, $"rope_scaling of type '{kind}' is not supported yet; only plain RoPE is.");
        }

        return new ModelConfig
        {
            Architecture = architecture,
            Head = head,
            HiddenSize = hidden,
            NumLayers = reader.PositiveInt("num_hidden_layers"),
            NumHeads = heads,
            NumKvHeads = kvHeads,
            HeadDim = headDim,
            IntermediateSize = reader.PositiveInt("intermediate_size"),
            VocabSize = reader.PositiveInt("vocab_size"),
            MaxPositionEmbeddings = ContextWindow(reader),
            RopeTheta = reader.OptionalDouble("rope_theta") ?? 10000.0,
            RmsNormEps = (float)(reader.OptionalDouble("rms_norm_eps") ?? 1e-6),
            TieWordEmbeddings = reader.OptionalBool("tie_word_embeddings") ?? false,
            AttentionBias = architecture == Architecture.Qwen2 || (reader.OptionalBool("attention_bias") ?? false),
            EosTokenIds = reader.IntOrIntList("eos_token_id"),
            BosTokenId = reader.OptionalInt("bos_token_id"),
        };
    }

    // Mistral's sliding-window attention equals the engine's full attention while the context fits in the window, so
    // the window bounds the context the engine accepts (Mistral-7B-v0.1: 4096 of 32768).
    private static int ContextWindow(JsonFields reader)
    {
        int context = reader.OptionalPositiveInt("max_position_embeddings") ?? 4096;
        if (!reader.StringList("architectures").Contains("MistralForCausalLM"))
            return context;   // Qwen2 configs carry a sliding_window that use_sliding_window switches off
        return reader.OptionalPositiveInt("sliding_window") is { } window && window < context ? window : context;
    }

    private static (Architecture, ModelHead) ReadArchitecture(JsonFields reader, string source)
    {
        var names = reader.StringList("architectures");
        string? modelType = reader.OptionalString("model_type");
        foreach (var name in names)
        {
            switch (name)
            {
                case "LlamaForCausalLM": return (Architecture.Llama, ModelHead.LanguageModel);
                // Mistral is Llama's layout (same tensor names, no biases) with sliding-window attention.
                case "MistralForCausalLM": return (Architecture.Llama, ModelHead.LanguageModel);
                case "Qwen2ForCausalLM": return (Architecture.Qwen2, ModelHead.LanguageModel);
                case "Qwen3ForCausalLM": return (Architecture.Qwen3, ModelHead.LanguageModel);
                case "Qwen2ForProcessRewardModel": return (Architecture.Qwen2, ModelHead.ProcessReward);
            }
        }
        switch (modelType)
        {
            case "llama" when names.Count == 0: return (Architecture.Llama, ModelHead.LanguageModel);
            case "qwen2" when names.Count == 0: return (Architecture.Qwen2, ModelHead.LanguageModel);
            case "qwen3" when names.Count == 0: return (Architecture.Qwen3, ModelHead.LanguageModel);
        }
        string named = names.Count > 0 ? string.Join(", ", names) : $"model_type '{modelType}'";
        throw new ModelFormatException(source,
            $"architecture {named} is not supported; supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, Qwen2ForProcessRewardModel.");
    }

    /// <summary>Writes this configuration as a Hugging Face <c>config.json</c> text.</summary>
    public string ToJson()
    {
        if (Head == ModelHead.ProcessReward && Architecture != Architecture.Qwen2)
            throw new InvalidOperationException($"a process-reward head exists only on Qwen2 (Qwen2ForProcessRewardModel); this config is {Architecture}.");
        var (archName, modelType) = Head == ModelHead.ProcessReward ? ("Qwen2ForProcessRewardModel", "qwen2") : Architecture switch
        {
            Architecture.Qwen2 => ("Qwen2ForCausalLM", "qwen2"),
            Architecture.Qwen3 => ("Qwen3ForCausalLM", "qwen3"),
            _ => ("LlamaForCausalLM", "llama"),
        };
        var map = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { archName },
            ["model_type"] = modelType,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumLayers,
            ["num_attention_heads"] = NumHeads,
            ["num_key_value_heads"] = NumKvHeads,
            ["head_dim"] = HeadDim,
            ["vocab_size"] = VocabSize,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["hidden_act"] = "silu",
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = AttentionBias,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenIds.Count == 1 ? EosTokenIds[0] : EosTokenIds,
            ["torch_dtype"] = "bfloat16",
        };
        return JsonSerializer.Serialize(map, new JsonSerializerOptions { WriteIndented = true });
    }
}
