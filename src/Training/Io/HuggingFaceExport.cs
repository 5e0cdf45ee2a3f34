using System.Text.Json;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Model;

namespace Reasoning.Training.Io;

/// <summary>
/// Writes a trained model as a Hugging Face folder: config.json (LlamaForCausalLM), model.safetensors under the
/// Hugging Face tensor names, generation_config.json naming EOS, and the tokenizer.json it was trained with.
/// The engine's <c>TransformerModel.Load</c> reads it, and so would <c>transformers</c>.
/// </summary>
public static class HuggingFaceExport
{
    /// <summary>Writes the folder <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Destination folder.</param>
    /// <param name="layout">The parameters' layout (and the model's config).</param>
    /// <param name="weights">The flat parameter vector.</param>
    /// <param name="eosId">The end-of-sequence id written to both configs.</param>
    /// <param name="tokenizerJson">A tokenizer.json to copy beside the weights, or null.</param>
    /// <param name="dtype">F32 (exact) or BF16 (half the size).</param>
    public static void Write(string directory, ParameterLayout layout, float[] weights, int eosId, string? tokenizerJson, TensorDType dtype = TensorDType.F32)
    {
        Directory.CreateDirectory(directory);
        var config = layout.Config with { EosTokenIds = [eosId] };
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        var generation = new Dictionary<string, object?>
        {
            ["_from_model_config"] = true,
            ["bos_token_id"] = config.BosTokenId,
            ["eos_token_id"] = eosId,
        };
        File.WriteAllText(Path.Combine(directory, "generation_config.json"), JsonSerializer.Serialize(generation, new JsonSerializerOptions { WriteIndented = true }));
        SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"), TensorFiles.Tensors(layout, weights, "", dtype),
            new Dictionary<string, string> { ["format"] = "pt" });
        if (tokenizerJson is not null)
            File.Copy(tokenizerJson, Path.Combine(directory, "tokenizer.json"), overwrite: true);
    }
}
