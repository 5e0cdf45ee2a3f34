using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Search.Prm;

/// <summary>Loads a language-model PRM from a Hugging Face folder, choosing its format from config.json.</summary>
public static class ProcessRewardModels
{
    /// <summary>
    /// The format of a model: <c>Qwen2ForProcessRewardModel</c> (a score head) is Qwen2.5-Math-PRM; a causal LM is read
    /// in the Math-Shepherd format, the published format that reads a causal LM's logits (a causal LM that was not
    /// trained as a PRM gives scores without meaning).
    /// </summary>
    public static PrmFormat Detect(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Head == ModelHead.ProcessReward ? PrmFormat.QwenMathPrm : PrmFormat.MathShepherd;
    }

    /// <summary>
    /// Loads the model folder <paramref name="directory"/> (config.json, safetensors weights, tokenizer.json) and starts
    /// an engine for it. With <paramref name="format"/>, the folder must be of that format.
    /// </summary>
    /// <exception cref="ModelFormatException">The folder, its config or its weights are missing or malformed, or its
    /// architecture is not one the engine runs (a Qwen2.5-Math-PRM checkpoint without its score head, for example).</exception>
    /// <exception cref="TokenizerFormatException">The folder has no usable tokenizer.json.</exception>
    /// <exception cref="InvalidRequestException">The folder is not of the asked format, or its tokenizer lacks the
    /// format's tokens (Qwen2.5-Math-PRM's <c>&lt;extra_0&gt;</c> and chat format).</exception>
    public static LoadedProcessRewardModel Load(string directory, PrmFormat? format = null, EngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new ModelFormatException(directory, "folder not found; pass a PRM model folder (config.json, model.safetensors, tokenizer.json): Qwen2.5-Math-PRM or a Math-Shepherd causal LM.");
        var config = ModelConfig.Load(Path.Combine(directory, "config.json"));
        var detected = Detect(config);
        if (format is { } wanted && wanted != detected)
            throw new InvalidRequestException(
                $"{directory} is a {(detected == PrmFormat.QwenMathPrm ? "Qwen2ForProcessRewardModel (score head)" : "causal language model")}, so it reads as {detected}, not {wanted}.");
        var tokenizer = Tokenizer.Load(directory);
        var model = TransformerModel.Load(directory);
        InferenceEngine? engine = null;
        try
        {
            engine = new InferenceEngine(model, options);
            IProcessRewardModel prm = detected == PrmFormat.QwenMathPrm ? new QwenMathPrm(engine, tokenizer) : new MathShepherdPrm(engine, tokenizer);
            return new LoadedProcessRewardModel(detected, directory, model, engine, prm);
        }
        catch
        {
            engine?.Dispose();
            model.Dispose();
            throw;
        }
    }
}
