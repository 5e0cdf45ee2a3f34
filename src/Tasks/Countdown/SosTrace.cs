namespace Reasoning.Tasks.Countdown;

/// <summary>A serial SoS+ trace: one thread, its text, and the solution it found (null when it found none).</summary>
/// <param name="Problem">The problem searched.</param>
/// <param name="Settings">The search knobs that produced it.</param>
/// <param name="Text">The whole thread, prompt included, as APR's <c>search_path</c>.</param>
/// <param name="Solution">The steps of the path after <c>Goal Reached</c>; null when the search failed.</param>
public sealed record SosTrace(CountdownProblem Problem, SearchSettings Settings, string Text, IReadOnlyList<string>? Solution)
{
    /// <summary>Whether the search reached the target.</summary>
    public bool Solved => Solution is not null;

    /// <summary>What the model is fed: <see cref="CountdownPrompts.Sos"/>.</summary>
    public string Prompt => CountdownPrompts.Sos(Problem);

    /// <summary>What the model writes after the prompt.</summary>
    public string Completion => Text[Prompt.Length..];
}
