namespace Reasoning.Engine.Generation;

/// <summary>Memory and scheduling settings of an <see cref="InferenceEngine"/>.</summary>
public sealed record EngineOptions
{
    /// <summary>Bytes of KV memory allocated up front for pages.</summary>
    public long KvMemoryBytes { get; init; } = 512L << 20;
    /// <summary>Element type of stored keys and values (bf16 halves KV memory).</summary>
    public Kv.KvDType KvDType { get; init; } = Kv.KvDType.F32;
    /// <summary>
    /// Tokens per KV page. One head's keys (or values) of a page are one contiguous block, and once the KV outgrows the
    /// cache attention pays a cold start of the hardware prefetcher at each block: with 128-token pages (a 32 KiB block
    /// at head width 64 in f32) one Countdown problem at a time ran 1.3–1.7× faster than with 16-token pages on a
    /// 2-core Zen 4 (docs/benchmarks.md). Smaller pages waste less on each sequence's last page and copy less when a
    /// fork writes into a shared partial page.
    /// </summary>
    public int PageSize { get; init; } = 128;
    /// <summary>Most tokens fed in one step over all rows (decode rows first, then prefill chunks).</summary>
    public int MaxStepTokens { get; init; } = 512;
    /// <summary>Most prompt tokens of one sequence fed in one step, so long prompts do not starve decoding rows.</summary>
    public int PrefillChunk { get; init; } = 256;
    /// <summary>
    /// How long a sequence that cannot get KV pages (they are held by idle sequences) waits for some to be released
    /// before it fails with a typed error.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Most generated tokens of one generation streamed and not yet read. A generation whose reader falls this far
    /// behind pauses (it gets no steps and keeps its KV pages) until the reader catches up, so a slow reader holds at
    /// most this many tokens in memory and never slows the other generations. At least 1.
    /// </summary>
    public int MaxUnreadTokens { get; init; } = 4096;
    /// <summary>Compute threads (0: one per core).</summary>
    public int Threads { get; init; }
}
