namespace Reasoning.Search;

/// <summary>Why a search stopped.</summary>
public enum SearchStopReason
{
    /// <summary>It reached a goal state (A*: popped one; beam, particles, best-of-N: every path finished).</summary>
    Goal,
    /// <summary>No state was left to extend (every path ended without a goal).</summary>
    Exhausted,
    /// <summary><see cref="SearchBudget.MaxTotalTokens"/> left too little for the next step.</summary>
    TokenBudget,
    /// <summary><see cref="SearchBudget.MaxPrmCalls"/> left too few calls for the next scoring.</summary>
    PrmBudget,
    /// <summary><see cref="SearchBudget.MaxExpansions"/> was reached.</summary>
    ExpansionBudget,
    /// <summary>The run's <see cref="Threads.ThreadBudget.MaxThreads"/> allowed no more states.</summary>
    ThreadBudget,
    /// <summary><see cref="SearchBudget.MaxWallTime"/> had passed.</summary>
    WallTime,
}

/// <summary>How a state's last step ended.</summary>
public enum StepEnd
{
    /// <summary>The root: no step.</summary>
    None,
    /// <summary>One of the splitter's stop strings ended it.</summary>
    StopString,
    /// <summary>An end-of-sequence token ended it: the path cannot go on.</summary>
    EndOfSequence,
    /// <summary><see cref="SearchBudget.MaxStepTokens"/> (or the budget's share) cut it.</summary>
    Length,
    /// <summary>
    /// The thread cannot generate more: its context window is full, or the run's token bounds
    /// (<see cref="Threads.ThreadBudget.MaxTokensPerThread"/>, <see cref="Threads.ThreadBudget.MaxTotalTokens"/>) ran out.
    /// The path cannot go on.
    /// </summary>
    ThreadLimit,
}

/// <summary>
/// One state of the search tree: the root (id 0, no step) or a state one step below its parent.
/// </summary>
/// <param name="Id">Identifier in the tree (the root is 0; ids grow in creation order).</param>
/// <param name="ParentId">The parent's id (null for the root).</param>
/// <param name="Depth">Steps from the root.</param>
/// <param name="StepText">The step's text (empty for the root).</param>
/// <param name="StepTokens">The step's generated tokens.</param>
/// <param name="End">How the step ended.</param>
/// <param name="Score">The reward model's score of this state's last step (null: not scored, as the root or a state
/// best-of-N scored only at its end).</param>
/// <param name="Aggregate">The path's step scores (as returned when this state was scored) aggregated by the method's
/// <see cref="StepAggregation"/> (null: not scored).</param>
/// <param name="G">Cost so far (A*: step cost × depth; other methods: 0).</param>
/// <param name="H">Estimate to go, 1 − <paramref name="Aggregate"/> (0 for the root and unscored states).</param>
/// <param name="Expanded">Children were generated from it.</param>
/// <param name="Pruned">The method dropped it (beam: outside the top W; particles: not resampled); it was never expanded.</param>
/// <param name="IsGoal">It is a goal state.</param>
public sealed record SearchTreeNode(int Id, int? ParentId, int Depth, string StepText, int StepTokens, StepEnd End,
    double? Score, double? Aggregate, double G, double H, bool Expanded, bool Pruned, bool IsGoal)
{
    /// <summary>The priority A* orders states by: <see cref="G"/> + <see cref="H"/>.</summary>
    public double F => G + H;

    /// <summary>Open: neither expanded nor pruned, nor a finished path (the frontier when the search stopped).</summary>
    public bool Open => !Expanded && !Pruned && !IsGoal && End is not (StepEnd.EndOfSequence or StepEnd.ThreadLimit);
}

/// <summary>One step of the chosen path.</summary>
/// <param name="NodeId">The state the step leads to.</param>
/// <param name="Text">The step's text.</param>
/// <param name="Tokens">Its generated tokens.</param>
/// <param name="Score">The reward model's score of the step (null: not scored).</param>
public sealed record SearchStep(int NodeId, string Text, int Tokens, double? Score);

/// <summary>The outcome of a search: the chosen path, the totals and the whole tree.</summary>
public sealed record SearchResult
{
    /// <summary>The method's <see cref="ISearchMethod.Name"/>.</summary>
    public required string Method { get; init; }
    /// <summary>Why it stopped.</summary>
    public required SearchStopReason StopReason { get; init; }
    /// <summary>The chosen state is a goal state.</summary>
    public required bool ReachedGoal { get; init; }
    /// <summary>The chosen state's id in <see cref="Tree"/>.</summary>
    public required int ChosenId { get; init; }
    /// <summary>The chosen path's steps, from the root's first child to the chosen state.</summary>
    public required IReadOnlyList<SearchStep> Path { get; init; }
    /// <summary>The chosen path's generated text (its steps joined, without the prompt).</summary>
    public string Text => string.Concat(Path.Select(s => s.Text));
    /// <summary>The chosen state's aggregate score (null when it was not scored).</summary>
    public required double? Score { get; init; }
    /// <summary>Tokens generated by every state of the search (the prompt not counted).</summary>
    public required long TokensGenerated { get; init; }
    /// <summary>Scored states: what <see cref="SearchBudget.MaxPrmCalls"/> bounds.</summary>
    public required int PrmCalls { get; init; }
    /// <summary>Calls of the reward model (each scores a batch of states).</summary>
    public required int PrmBatches { get; init; }
    /// <summary>States extended (see <see cref="SearchBudget.MaxExpansions"/>).</summary>
    public required int Expansions { get; init; }
    /// <summary>Wall time of the search.</summary>
    public required double WallMilliseconds { get; init; }
    /// <summary>Every state, by id (index i holds id i).</summary>
    public required IReadOnlyList<SearchTreeNode> Tree { get; init; }
}
