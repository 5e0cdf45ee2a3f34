using System.Text;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Renders conversations in the ChatML (Qwen) and Llama 3 formats, and recognises which one a model uses
/// from its chat_template or its vocabulary.
/// </summary>
public static class ChatTemplates
{
    /// <summary>The system prompt Qwen2/Qwen2.5 templates insert when the conversation has none.</summary>
    public const string QwenDefaultSystemPrompt = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

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

    /// <summary>Renders <paramref name="messages"/>; with <paramref name="addGenerationPrompt"/> the text ends where the assistant's answer begins.</summary>
    /// <param name="family">The chat format.</param>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn at the end.</param>
    /// <param name="bosToken">Llama 3's beginning-of-text token (default <c>&lt;|begin_of_text|&gt;</c>).</param>
    /// <param name="defaultSystemPrompt">ChatML: a system prompt to put first when the conversation has none.</param>
    /// <exception cref="InvalidRequestException">A message has an empty role or null content.</exception>
    public static string Render(ChatTemplateFamily family, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        string? bosToken = null, string? defaultSystemPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (var i = 0; i < messages.Count; i++)
            if (messages[i] is null || string.IsNullOrEmpty(messages[i].Role) || messages[i].Content is null)
                throw new InvalidRequestException($"chat message {i} has no role or no content; every message needs a role (system, user, assistant) and a content string");
        var text = new StringBuilder();
        if (family == ChatTemplateFamily.ChatMl)
        {
            if (defaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != "system"))
                text.Append("<|im_start|>system\n").Append(defaultSystemPrompt).Append("<|im_end|>\n");
            foreach (var m in messages)
                text.Append("<|im_start|>").Append(m.Role).Append('\n').Append(m.Content).Append("<|im_end|>\n");
            if (addGenerationPrompt)
                text.Append("<|im_start|>assistant\n");
        }
        else
        {
            text.Append(bosToken ?? "<|begin_of_text|>");
            foreach (var m in messages)
                text.Append("<|start_header_id|>").Append(m.Role).Append("<|end_header_id|>\n\n").Append(m.Content.Trim()).Append("<|eot_id|>");
            if (addGenerationPrompt)
                text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return text.ToString();
    }
}
