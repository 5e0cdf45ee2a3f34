using Reasoning.Engine.Diagnostics;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Cli.Commands.Bench;

/// <summary>Resolves the model a benchmark runs: a folder given with --model, or a random model of a named --shape.</summary>
internal static class BenchModel
{
    public static string Resolve(string? model, string? shape, TextWriter log)
    {
        if (model is not null && shape is not null)
            throw new InvalidRequestException("give either --model or --shape, not both.");
        if (model is not null)
            return model;
        if (shape is null)
            throw new InvalidRequestException("give --model DIR (a Hugging Face folder) or --shape NAME (random weights; known: " + string.Join(", ", ModelShapes.All.Keys) + ").");
        var config = ModelShapes.Get(shape);
        string dir = Path.Combine(Path.GetTempPath(), "reasoning-shapes", shape.ToLowerInvariant() + "-bf16");
        string done = Path.Combine(dir, ".complete");
        if (File.Exists(done))
        {
            if (!File.Exists(Path.Combine(dir, "tokenizer.json")))   // written by a build before shapes had one
                RandomModelWriter.WriteTokenizer(dir, config);
            return dir;
        }
        log.WriteLine($"writing a random-weight {shape} model (bf16) to {dir} ...");
        RandomModelWriter.Write(dir, config, TensorDType.BF16);
        File.WriteAllText(done, "");
        return dir;
    }
}
