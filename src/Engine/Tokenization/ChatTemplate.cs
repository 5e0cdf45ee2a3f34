namespace Reasoning.Engine.Tokenization;

/// <summary>A model's chat format with the settings its tokenizer_config.json gives (BOS, default system prompt).</summary>
/// <param name="Family">The chat format.</param>
/// <param name="BosToken">Llama 3's beginning-of-text token.</param>
/// <param name="DefaultSystemPrompt">ChatML: the system prompt the template inserts when none is given (Qwen2.5).</param>
/// <param name="AlwaysAddsGenerationPrompt">Whether the template opens an assistant turn whatever the caller asks
/// (templates that never test add_generation_prompt, such as the base Llama 3 one).</param>
public sealed record ChatTemplate(
    ChatTemplateFamily Family,
    string? BosToken = null,
    string? DefaultSystemPrompt = null,
    bool AlwaysAddsGenerationPrompt = false)
{
    /// <summary>Recognises the format of a chat_template (or, without one, of the vocabulary); null if unknown.</summary>
    public static ChatTemplate? Detect(string? chatTemplate, Func<string, bool> hasToken, string? bosToken)
    {
        var family = ChatTemplates.DetectFamily(chatTemplate, hasToken);
        if (family is null)
            return null;
        var defaultSystem = chatTemplate?.Contains(ChatTemplates.QwenDefaultSystemPrompt, StringComparison.Ordinal) == true
            ? ChatTemplates.QwenDefaultSystemPrompt
            : null;
        var always = chatTemplate is not null && !chatTemplate.Contains("add_generation_prompt", StringComparison.Ordinal);
        return new ChatTemplate(family.Value, bosToken, defaultSystem, always);
    }

    /// <summary>Renders the conversation; see <see cref="ChatTemplates.Render"/>.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) =>
        ChatTemplates.Render(Family, messages, addGenerationPrompt || AlwaysAddsGenerationPrompt, BosToken, DefaultSystemPrompt);
}
