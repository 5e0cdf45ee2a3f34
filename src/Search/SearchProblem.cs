using Reasoning.Threads;

namespace Reasoning.Search;

/// <summary>
/// What a step-level search works on: a root thread holding the prompt, where steps end, how steps are scored and what
/// counts as a solution.
/// </summary>
/// <remarks>
/// A step is exactly the text of one generation call that stops at one of the splitter's
/// <see cref="IStepSplitter.StopStrings"/> (or at an end-of-sequence token, or at
/// <see cref="SearchBudget.MaxStepTokens"/>). The call ends at the token that completes the stop string and keeps that
/// whole token, so a step can end with the start of the next line when the tokenizer merges them (Countdown's
/// <c>]\nGenerated Node #</c> is one token); steps are never cut by re-encoding text, so every state is a token
/// prefix the model itself wrote.
/// The root thread's run bounds the search too: every state is a thread, so the run's
/// <see cref="ThreadBudget.MaxThreads"/> must allow as many states as the search may grow (about children × expansions);
/// a search that reaches it stops with <see cref="SearchStopReason.ThreadBudget"/>.
/// </remarks>
/// <param name="Root">The thread the search starts from, holding the prompt (computed by the search before it forks,
/// so every state shares the prompt's KV pages). It stays the caller's: the search forks it and never ends it.</param>
/// <param name="Splitter">Where steps end: its stop strings end each step's generation.</param>
/// <param name="Reward">Scores the steps of partial solutions.</param>
public sealed record SearchProblem(ReasoningThread Root, IStepSplitter Splitter, IProcessRewardModel Reward)
{
    /// <summary>The problem text given to the reward model as <see cref="PartialSolution.Prompt"/> (null: the root's text).</summary>
    public string? Prompt { get; init; }

    /// <summary>
    /// The task's goal test on a state's generated text (its steps joined, without the prompt): true when the answer is
    /// complete. Null: only <see cref="EndOfSequenceIsGoal"/> decides.
    /// </summary>
    public Func<string, bool>? IsGoal { get; init; }

    /// <summary>A step that ends with an end-of-sequence token makes a goal state (the paper's goal test); default true.</summary>
    public bool EndOfSequenceIsGoal { get; init; } = true;

    /// <summary>How steps are sampled.</summary>
    public SearchSampling Sampling { get; init; } = new();

    /// <summary>The prompt text the reward model reads.</summary>
    public string PromptText => Prompt ?? Root.Text;
}

/// <summary>Sampling of each step (children of one state differ only through their random streams).</summary>
public sealed record SearchSampling
{
    /// <summary>Temperature; must be above 0 for the children of one state to differ (default 1).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Top-p mass (1: off).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Seed; each step mixes in its state's id (and its thread's), so every state draws its own stream.</summary>
    public ulong Seed { get; init; }
}
