namespace Reasoning.Engine.Generation;

/// <summary>Memory and scheduling settings of an <see cref="InferenceEngine"/>.</summary>
public sealed record EngineOptions
{
    /// <summary>Bytes of KV memory allocated up front for pages.</summary>
    public long KvMemoryBytes { get; init; } = 512L << 20;
    /// <summary>Element type of stored keys and values (bf16 halves KV memory).</summary>
    public Kv.KvDType KvDType { get; init; } = Kv.KvDType.F32;
    /// <summary>Tokens per KV page.</summary>
    public int PageSize { get; init; } = 16;
    /// <summary>Most tokens fed in one step over all rows (decode rows first, then prefill chunks).</summary>
    public int MaxStepTokens { get; init; } = 512;
    /// <summary>Most prompt tokens of one sequence fed in one step, so long prompts do not starve decoding rows.</summary>
    public int PrefillChunk { get; init; } = 256;
    /// <summary>
    /// How long a sequence that cannot get KV pages (they are held by idle sequences) waits for some to be released
    /// before it fails with a typed error.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Compute threads (0: one per core).</summary>
    public int Threads { get; init; }
}
