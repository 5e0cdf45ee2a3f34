namespace Reasoning.Engine.Tokenization;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who speaks: "system", "user", "assistant" (or "tool", "ipython"...).</param>
/// <param name="Content">What was said.</param>
public sealed record ChatMessage(string Role, string Content)
{
    /// <summary>An assistant turn's reasoning kept apart from its answer (the template's <c>reasoning_content</c>, which Qwen3's template shows after the last question).</summary>
    public string? ReasoningContent { get; init; }

    /// <summary>The function calls an assistant turn makes (rendered the way the model's template writes them).</summary>
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }

    /// <summary>A "tool" turn: the id of the call it answers (the template's <c>tool_call_id</c>).</summary>
    public string? ToolCallId { get; init; }

    /// <summary>A "tool" turn: the name of the function that answered (the template's <c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Pass the content to the template as none instead of a string: what OpenAI-style assistant turns that only call
    /// tools carry, and what DeepSeek's template tests (<c>message['content'] is none</c>) to write the calls.
    /// </summary>
    public bool ContentIsNone { get; init; }
}
