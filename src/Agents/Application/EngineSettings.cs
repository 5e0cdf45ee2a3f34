using Reasoning.Engine.Kv;

namespace Reasoning.Agents.Application;

/// <summary>How a request's engine is built: compute threads and KV-cache memory (what the CLI's --threads, --kv-dtype and --kv-memory set).</summary>
public sealed record EngineSettings
{
    /// <summary>Engine compute threads (0: one per core).</summary>
    public int Threads { get; init; }
    /// <summary>KV-cache element type.</summary>
    public KvDType KvDType { get; init; } = KvDType.F32;
    /// <summary>KV-cache memory in bytes.</summary>
    public long KvMemoryBytes { get; init; } = 1L << 30;
}
