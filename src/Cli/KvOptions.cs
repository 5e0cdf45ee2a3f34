using System.CommandLine;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Kv;

namespace Reasoning.Cli;

/// <summary>The <c>--kv-dtype</c> and <c>--kv-memory</c> options shared by the commands that run the engine.</summary>
internal static class KvOptions
{
    /// <summary>A fresh <c>--kv-dtype</c> option (each command owns its own instance).</summary>
    public static Option<string> DType() => new("--kv-dtype")
    {
        Description = "Element type of the KV cache: f32 (exact) or bf16 (half the memory and memory traffic; keys and values rounded to 8 significant bits).",
        DefaultValueFactory = _ => "f32",
    };

    /// <summary>A fresh <c>--kv-memory</c> option with the given default size.</summary>
    public static Option<string> Memory(string defaultSize) => new("--kv-memory")
    {
        Description = $"KV cache size, e.g. 512MiB or 4GiB (default {defaultSize}). Many problems at once need more: the engine waits for pages or preempts when it runs short.",
        DefaultValueFactory = _ => defaultSize,
    };

    /// <summary>Parses f32 or bf16 (any case).</summary>
    /// <exception cref="InvalidRequestException">Any other value.</exception>
    public static KvDType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "f32" or "float32" => KvDType.F32,
        "bf16" or "bfloat16" => KvDType.BF16,
        _ => throw new InvalidRequestException($"--kv-dtype '{text}' is not a KV element type; use f32 or bf16."),
    };
}
