namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Recognises the ChatML (Qwen) and Llama 3 formats from a chat_template or a vocabulary, and renders them in C#
/// (<see cref="ChatMlFormat"/>, <see cref="Llama3Format"/>) for models that ship no template of their own; a model's
/// own template is rendered by <see cref="ChatTemplateRenderer"/>.
/// </summary>
public static class ChatTemplates
{
    /// <summary>The system prompt Qwen2/Qwen2.5 templates insert when the conversation has none.</summary>
    public const string QwenDefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    /// <summary>The template of <see cref="ChatTemplate.Plain"/>: one <c>role: text</c> line a message, then <c>assistant:</c>.</summary>
    public const string PlainTemplate =
        "{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

    /// <summary>
    /// The family of a chat_template string, or, without one, of a vocabulary that holds
    /// <c>&lt;|im_start|&gt;</c> (ChatML) or <c>&lt;|start_header_id|&gt;</c> (Llama 3); null if neither.
    /// </summary>
    public static ChatTemplateFamily? DetectFamily(string? chatTemplate, Func<string, bool> hasToken)
    {
        ArgumentNullException.ThrowIfNull(hasToken);
        if (chatTemplate is not null)
        {
            if (chatTemplate.Contains("<|im_start|>", StringComparison.Ordinal))
                return ChatTemplateFamily.ChatMl;
            if (chatTemplate.Contains("<|start_header_id|>", StringComparison.Ordinal))
                return ChatTemplateFamily.Llama3;
        }
        if (hasToken("<|im_start|>"))
            return ChatTemplateFamily.ChatMl;
        if (hasToken("<|start_header_id|>"))
            return ChatTemplateFamily.Llama3;
        return null;
    }

    /// <summary>Renders <paramref name="messages"/> in the plain form of a family (no Qwen extras).</summary>
    /// <param name="family">The chat format.</param>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn at the end.</param>
    /// <param name="bosToken">Llama 3's beginning-of-text token (default <c>&lt;|begin_of_text|&gt;</c>).</param>
    /// <param name="defaultSystemPrompt">ChatML: a system prompt to put first when the conversation has none.</param>
    /// <exception cref="Errors.InvalidRequestException">A message has an empty role or null content.</exception>
    public static string Render(ChatTemplateFamily family, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        string? bosToken = null, string? defaultSystemPrompt = null) =>
        new ChatTemplate(family, bosToken, defaultSystemPrompt).Render(messages, addGenerationPrompt);
}
