using Reasoning.Orchestrator.Apr;

namespace Reasoning.Orchestrator;

/// <summary>Which of a task's prompts a strategy starts from.</summary>
public enum PromptStyle
{
    /// <summary>A prompt for one serial trace (SoS+, cons@N, pass@N).</summary>
    Serial,
    /// <summary>A prompt for a model that spawns and joins sub-searches (APR).</summary>
    Parallel,
}

/// <summary>
/// A task as every strategy sees it: its prompts, how a child's context is built and its result read (from
/// <see cref="IAprTask"/>), and how a trace's answer is read and checked.
/// </summary>
public interface IReasoningTask : IAprTask
{
    /// <summary>The root's prompt for <paramref name="style"/>.</summary>
    string Prompt(PromptStyle style);

    /// <summary>The answer a trace states, as a key that equal answers share (null when it states none).</summary>
    string? AnswerOf(string trace);

    /// <summary>Whether a trace's answer is right (pass@N's oracle; false when the task cannot check).</summary>
    bool Verify(string trace);
}
