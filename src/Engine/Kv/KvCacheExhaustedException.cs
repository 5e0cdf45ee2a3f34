using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Kv;

/// <summary>The KV page pool has no free page for a request that needs one.</summary>
public sealed class KvCacheExhaustedException : ReasoningException
{
    /// <summary>Creates the exception with a message that says how many pages were needed and what to do.</summary>
    public KvCacheExhaustedException(string message) : base(message) { }
}
