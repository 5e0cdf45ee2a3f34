namespace Reasoning.Threads;

/// <summary>How a parent receives its children's results.</summary>
public enum JoinMode
{
    /// <summary>Append a text built from the results; it is encoded and computed in the parent (APR's join).</summary>
    Text,
    /// <summary>Attach the children's own spans to the parent's view: their keys and values are shared, not recomputed.</summary>
    Kv,
}
