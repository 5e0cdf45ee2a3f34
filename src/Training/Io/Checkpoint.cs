using System.Text.Json;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Model;

namespace Reasoning.Training.Io;

/// <summary>
/// A resumable checkpoint folder: config.json, model.safetensors (f32 weights under Hugging Face names),
/// optimizer.safetensors (AdamW moments as <c>exp_avg.*</c> and <c>exp_avg_sq.*</c>) and state.json.
/// It is written beside its final name and swapped in, so a crash leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes a checkpoint to <paramref name="directory"/>, replacing any previous one there.</summary>
    public static void Save(string directory, ParameterLayout layout, float[] weights, float[] m, float[] v, TrainingState state)
    {
        string full = Path.GetFullPath(directory);
        string partial = full + ".partial", old = full + ".old";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        File.WriteAllText(Path.Combine(partial, "config.json"), layout.Config.ToJson());
        SafetensorsWriter.Write(Path.Combine(partial, "model.safetensors"), TensorFiles.Tensors(layout, weights, "", TensorDType.F32));
        SafetensorsWriter.Write(Path.Combine(partial, "optimizer.safetensors"),
            TensorFiles.Tensors(layout, m, "exp_avg.", TensorDType.F32).Concat(TensorFiles.Tensors(layout, v, "exp_avg_sq.", TensorDType.F32)));
        File.WriteAllText(Path.Combine(partial, "state.json"), JsonSerializer.Serialize(state, Json));
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
        if (Directory.Exists(full))
            Directory.Move(full, old);
        Directory.Move(partial, full);
        if (Directory.Exists(old))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>Whether <paramref name="directory"/> (or its fallback from an interrupted save) holds a checkpoint.</summary>
    public static bool Exists(string directory) => Resolve(directory) is not null;

    /// <summary>Reads a checkpoint: its config, weights, moments and state.</summary>
    /// <exception cref="TrainingException">The folder is missing, incomplete or does not match its config.</exception>
    public static (ModelConfig Config, float[] Weights, float[] M, float[] V, TrainingState State) Load(string directory)
    {
        string dir = Resolve(directory)
            ?? throw new TrainingException($"{directory}: no checkpoint found (expected state.json, config.json, model.safetensors, optimizer.safetensors).");
        var config = ModelConfig.Load(Path.Combine(dir, "config.json"));
        var layout = new ParameterLayout(config);
        var weights = new float[layout.Count];
        var m = new float[layout.Count];
        var v = new float[layout.Count];
        using (var file = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors")))
            TensorFiles.Read(file, layout, weights, "");
        using (var file = SafetensorsFile.Open(Path.Combine(dir, "optimizer.safetensors")))
        {
            TensorFiles.Read(file, layout, m, "exp_avg.");
            TensorFiles.Read(file, layout, v, "exp_avg_sq.");
        }
        var state = JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(Path.Combine(dir, "state.json")))
            ?? throw new TrainingException($"{dir}/state.json: empty state.");
        return (config, weights, m, v, state);
    }

    private static string? Resolve(string directory)
    {
        string full = Path.GetFullPath(directory);
        foreach (var candidate in new[] { full, full + ".old" })
            if (File.Exists(Path.Combine(candidate, "state.json")))
                return candidate;
        return null;
    }
}
