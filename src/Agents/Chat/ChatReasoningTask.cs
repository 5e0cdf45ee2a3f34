using System.Text.RegularExpressions;
using Reasoning.Orchestrator;
using Reasoning.Orchestrator.Apr;

namespace Reasoning.Agents.Chat;

/// <summary>
/// Any chat prompt as a reasoning task: both prompt styles are the rendered conversation, and a trace's answer key is
/// its final answer, so cons@N votes on answers rather than on whole texts. The answer is read from the generated
/// text after the last <c>&lt;/think&gt;</c>: the content of the last <c>\boxed{…}</c> if any, else the text after the last
/// "answer:" (any case), else the whole answer; trimmed, with runs of white space made one space. The task cannot
/// build APR's child contexts and cannot verify an answer, so APR and pass@N need a task of their own
/// (<see cref="ReasoningChatClientOptions.TaskFactory"/>).
/// </summary>
/// <param name="prompt">The rendered prompt.</param>
/// <param name="endText">Text that ends a trace and is not part of its answer (the end-of-sequence tokens' text, stop sequences).</param>
public sealed partial class ChatReasoningTask(string prompt, IReadOnlyList<string> endText) : IReasoningTask
{
    /// <summary>The rendered prompt.</summary>
    public string RenderedPrompt => prompt;

    /// <inheritdoc />
    public string Prompt(PromptStyle style) => prompt;

    /// <inheritdoc />
    public string BuildChildContext(string parentTrace, AprChildCall call) =>
        throw new AprProtocolException("a plain chat prompt has no rule for a sub search's context; APR needs a task that builds them (ReasoningChatClientOptions.TaskFactory).");

    /// <inheritdoc />
    public string? AnswerOf(string trace)
    {
        var answer = Answer(trace);
        var think = answer.LastIndexOf("</think>", StringComparison.Ordinal);
        if (think >= 0)
            answer = answer[(think + "</think>".Length)..];
        var boxed = Boxed().Matches(answer);
        if (boxed.Count > 0)
            answer = boxed[^1].Groups[1].Value;
        else if (AnswerLabel().Matches(answer) is { Count: > 0 } labels)
            answer = answer[(labels[^1].Index + labels[^1].Length)..];
        var key = Spaces().Replace(answer, " ").Trim();
        return key.Length == 0 ? null : key;
    }

    /// <inheritdoc />
    public bool Verify(string trace) => false;

    /// <summary>The answer a trace generated: the text after the prompt, cut at the first end text.</summary>
    public string Answer(string trace) =>
        Cut(trace.StartsWith(prompt, StringComparison.Ordinal) ? trace[prompt.Length..] : trace, endText);

    /// <summary><paramref name="generated"/> cut before the first occurrence of any of <paramref name="endText"/>.</summary>
    public static string Cut(string generated, IReadOnlyList<string> endText)
    {
        foreach (var end in endText)
        {
            if (end.Length == 0)
                continue;
            var at = generated.IndexOf(end, StringComparison.Ordinal);
            if (at >= 0)
                generated = generated[..at];
        }
        return generated;
    }

    [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
    private static partial Regex Boxed();

    [GeneratedRegex(@"answer\s*(is|:)", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerLabel();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
