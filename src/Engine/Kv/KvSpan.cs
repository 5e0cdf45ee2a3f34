namespace Reasoning.Engine.Kv;

/// <summary>
/// A run of tokens stored in pages, seen by one view: token i lives in page <c>Pages[i / PageSize]</c>, slot
/// <c>i % PageSize</c>; its key was rotated at <see cref="StoredStart"/> + i and the view places it at logical position
/// <see cref="LogicalStart"/> + i. The span holds one reference on each of its pages; pages may be shared with spans
/// of other views (forks), and are copied before a write only when shared (copy-on-write).
/// </summary>
public sealed class KvSpan
{
    internal readonly List<int> Pages;

    /// <summary>Tokens in the span.</summary>
    public int Length { get; internal set; }

    /// <summary>The position the span's first key was rotated at.</summary>
    public int StoredStart { get; }

    /// <summary>The logical position of the span's first token in its view.</summary>
    public int LogicalStart { get; internal set; }

    /// <summary>Logical minus stored position: the query is rotated by −Delta to attend to this span.</summary>
    public int Delta => LogicalStart - StoredStart;

    /// <summary>The pages, in order.</summary>
    public IReadOnlyList<int> PageIds => Pages;

    internal KvSpan(int storedStart, int logicalStart, List<int>? pages = null, int length = 0)
    {
        StoredStart = storedStart;
        LogicalStart = logicalStart;
        Pages = pages ?? [];
        Length = length;
    }
}
