using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>
/// What a policy wants done with its thread next. The hierarchy is closed (the constructor is private): the
/// <see cref="ProtocolRunner"/> knows how to carry out every decision there is.
/// </summary>
public abstract record Decision
{
    private Decision() { }

    /// <summary>Generate more text with <paramref name="Options"/>.</summary>
    /// <param name="Options">Token budget, sampling and stop strings of the call.</param>
    public sealed record Continue(ThreadGenerationOptions Options) : Decision;

    /// <summary>Start one child per context, each from a fresh context holding only that text, run them in one engine
    /// step and wait for all of them.</summary>
    /// <param name="Contexts">Each child's starting text.</param>
    /// <param name="ChildPolicy">The policy that drives child <c>i</c>.</param>
    /// <param name="Name">Child <c>i</c>'s name (null: the thread layer's default).</param>
    public sealed record Spawn(IReadOnlyList<string> Contexts, Func<int, IProtocolPolicy> ChildPolicy, Func<int, string>? Name = null) : Decision;

    /// <summary>
    /// Compute the pending context, then start <paramref name="Count"/> children that continue from it (sharing its KV
    /// pages), run them in one engine step and wait for all of them.
    /// </summary>
    /// <param name="Count">How many children.</param>
    /// <param name="ChildPolicy">The policy that drives child <c>i</c>.</param>
    /// <param name="Name">Child <c>i</c>'s name.</param>
    /// <param name="At">The logical position the children's new tokens start at (null: after the parent's context).</param>
    /// <param name="ThenStop">When set, the parent ends with this outcome once the children exist and before they run
    /// (the parent only held the shared prompt).</param>
    /// <param name="EndChildrenTogether">Children that stop are ended in index order once all have stopped, so none
    /// releases its pages while a sibling still generates; otherwise each ends as it stops.</param>
    public sealed record Fork(int Count, Func<int, IProtocolPolicy> ChildPolicy, Func<int, string> Name, int? At = null,
        StopOutcome? ThenStop = null, bool EndChildrenTogether = false) : Decision;

    /// <summary>Take the results of the last round of children back into this thread.</summary>
    /// <param name="Mode">As text (re-encoded) or as KV (the children's spans attached; the round must be a
    /// <see cref="Fork"/> with <see cref="Fork.At"/>).</param>
    /// <param name="Text">The text appended (for <see cref="JoinMode.Kv"/>, after the attached spans; empty: none,
    /// but some text must come before the thread generates again).</param>
    /// <param name="TruncateAt">Where the thread's text is cut before the join (null: no cut), e.g. the start of the
    /// spawn block the join replaces.</param>
    public sealed record Join(JoinMode Mode, string Text, int? TruncateAt = null) : Decision;

    /// <summary>Drop the thread's context between two token indices; the tokens after keep their positions. The range
    /// must be whole computed spans before the tail, such as a child's span attached by a KV join.</summary>
    /// <param name="From">Index of the first token dropped.</param>
    /// <param name="To">Index after the last one dropped.</param>
    public sealed record Prune(int From, int To) : Decision;

    /// <summary>End the thread.</summary>
    /// <param name="Outcome">Its end status and reason.</param>
    public sealed record Stop(StopOutcome Outcome) : Decision;
}
