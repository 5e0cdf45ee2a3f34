namespace Reasoning.Tasks.Countdown;

/// <summary>
/// One call of a thread: the full text the thread holds at the end of the call, and how much of it was fed
/// rather than generated. A root thread that spawns has several rounds; each later round starts with the earlier
/// text up to its spawn block, replaced by the join block.
/// </summary>
/// <param name="Text">The whole sequence of this call, prompt included (APR's <c>main_calls[i]</c>).</param>
/// <param name="PromptLength">How many leading characters are the prompt the runtime feeds.</param>
public sealed record AprRound(string Text, int PromptLength)
{
    /// <summary>What the runtime feeds.</summary>
    public string Prompt => Text[..PromptLength];

    /// <summary>What the model writes (training loss applies here).</summary>
    public string Completion => Text[PromptLength..];
}

/// <summary>A thread of an APR trace: its rounds, the children it spawned in each round, and its result.</summary>
/// <param name="NodeId">The node the thread starts from (<c>0</c> for the root, e.g. <c>0,1</c> for a child).</param>
/// <param name="Level">0 for the root, 1 for children.</param>
/// <param name="Rounds">The thread's calls, in order; the last one holds its final text.</param>
/// <param name="Spawns">For each spawn (round i ended by spawning), the children started.</param>
/// <param name="Solution">Steps from the root problem to the target, or null when this thread found none.</param>
/// <param name="Result">The restated path a parent receives (text after the second-to-last <c>Goal Reached</c>), or null.</param>
public sealed record AprThread(
    string NodeId,
    int Level,
    IReadOnlyList<AprRound> Rounds,
    IReadOnlyList<IReadOnlyList<AprThread>> Spawns,
    IReadOnlyList<string>? Solution,
    string? Result)
{
    /// <summary>The thread's final text.</summary>
    public string Text => Rounds[^1].Text;

    /// <summary>This thread and all its descendants, parent first.</summary>
    public IEnumerable<AprThread> All() => Spawns.SelectMany(s => s).SelectMany(c => c.All()).Prepend(this);
}

/// <summary>A whole APR trace: the root thread with its children.</summary>
/// <param name="Problem">The problem searched.</param>
/// <param name="Settings">The search knobs that produced it.</param>
/// <param name="Root">The root thread.</param>
public sealed record AprTrace(CountdownProblem Problem, SearchSettings Settings, AprThread Root)
{
    /// <summary>Whether the root reached the target.</summary>
    public bool Solved => Root.Solution is not null;

    /// <summary>The root's final text (APR's <c>search_path</c>).</summary>
    public string Text => Root.Text;

    /// <summary>How many children the root spawned, over all rounds.</summary>
    public int ChildCount => Root.Spawns.Sum(s => s.Count);
}
