using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization;

/// <summary>A model's chat format with the variations its chat_template shows.</summary>
/// <param name="Family">The chat format.</param>
/// <param name="BosToken">Llama 3's beginning-of-text token.</param>
/// <param name="DefaultSystemPrompt">ChatML: the system prompt the template inserts when none is given (Qwen2.5).</param>
/// <param name="AlwaysAddsGenerationPrompt">Whether the template opens an assistant turn whatever the caller asks
/// (templates that never test add_generation_prompt, such as the base Llama 3 one).</param>
/// <param name="ToolResponsesAsUser">ChatML: "tool" messages go in one user turn as &lt;tool_response&gt; blocks (Qwen).</param>
/// <param name="Thinking">ChatML: Qwen3's &lt;think&gt; handling (reasoning dropped from earlier turns, shown in the
/// answer after the last question, skipped with enableThinking false).</param>
public sealed record ChatTemplate(
    ChatTemplateFamily Family,
    string? BosToken = null,
    string? DefaultSystemPrompt = null,
    bool AlwaysAddsGenerationPrompt = false,
    bool ToolResponsesAsUser = false,
    bool Thinking = false)
{
    /// <summary>Recognises the format of a chat_template (or, without one, of the vocabulary); null if unknown.</summary>
    public static ChatTemplate? Detect(string? chatTemplate, Func<string, bool> hasToken, string? bosToken)
    {
        var family = ChatTemplates.DetectFamily(chatTemplate, hasToken);
        if (family is null)
            return null;
        bool Has(string text) => chatTemplate?.Contains(text, StringComparison.Ordinal) == true;
        return new ChatTemplate(
            family.Value,
            bosToken,
            Has(ChatTemplates.QwenDefaultSystemPrompt) ? ChatTemplates.QwenDefaultSystemPrompt : null,
            AlwaysAddsGenerationPrompt: chatTemplate is not null && !Has("add_generation_prompt"),
            ToolResponsesAsUser: Has("<tool_response>"),
            Thinking: Has("</think>") && Has("reasoning_content"));
    }

    /// <summary>Renders the conversation; with <paramref name="addGenerationPrompt"/> the text ends where the assistant's answer begins.</summary>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn at the end.</param>
    /// <param name="enableThinking">Qwen3: false opens the assistant turn with an empty &lt;think&gt; block.</param>
    /// <exception cref="InvalidRequestException">A message has an empty role or null content.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool enableThinking = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (var i = 0; i < messages.Count; i++)
            if (messages[i] is null || string.IsNullOrEmpty(messages[i].Role) || messages[i].Content is null)
                throw new InvalidRequestException($"chat message {i} has no role or no content; every message needs a role (system, user, assistant) and a content string");
        addGenerationPrompt |= AlwaysAddsGenerationPrompt;
        return Family == ChatTemplateFamily.ChatMl
            ? ChatMlFormat.Render(this, messages, addGenerationPrompt, enableThinking)
            : Llama3Format.Render(this, messages, addGenerationPrompt);
    }
}
