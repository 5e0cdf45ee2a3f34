using Reasoning.Engine.Errors;
using Reasoning.Orchestrator;
using Reasoning.Orchestrator.Apr;

namespace Reasoning.Agents.Application;

/// <summary>
/// A general question as the strategies see it: the prompt is the question and a newline, the model continues it as a
/// plain generation, and a trace's answer is the last non-empty line it wrote (whitespace collapsed, so cons@N votes
/// on the final line). There is no oracle and no spawn format, so pass@N and APR do not apply.
/// </summary>
/// <param name="question">The question.</param>
internal sealed class QuestionTask(string question) : IReasoningTask
{
    /// <summary>The root's prompt.</summary>
    public string PromptText { get; } = question.TrimEnd() + "\n";

    /// <inheritdoc />
    public string Prompt(PromptStyle style) => PromptText;

    /// <inheritdoc />
    public string BuildChildContext(string parentTrace, AprChildCall call) =>
        throw new InvalidRequestException("a general question has no spawn format; use sos or cons@N.");

    /// <inheritdoc />
    public string? ReadChildResult(string childTrace) => null;

    /// <inheritdoc />
    public string? AnswerOf(string trace) => LastLine(Continuation(trace));

    /// <inheritdoc />
    public bool Verify(string trace) => false;

    /// <summary>What the model wrote after the prompt.</summary>
    public string Continuation(string trace) => trace.StartsWith(PromptText, StringComparison.Ordinal) ? trace[PromptText.Length..] : trace;

    /// <summary>The last non-empty line of <paramref name="text"/>, whitespace collapsed; null when there is none.</summary>
    public static string? LastLine(string text)
    {
        var line = text.Split('\n').Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).LastOrDefault(l => l.Length > 0);
        return line;
    }
}
