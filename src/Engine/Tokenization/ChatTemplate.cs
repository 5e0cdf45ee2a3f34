using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization.Jinja;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// A model's chat format. When the model ships a Jinja chat_template, <see cref="Renderer"/> renders it as
/// transformers would; otherwise the format the vocabulary reveals (ChatML or Llama 3) is written in C#, with the
/// variations below.
/// </summary>
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
    /// <summary>The model's own Jinja template, when it has one the renderer could parse.</summary>
    public ChatTemplateRenderer? Renderer { get; init; }

    /// <summary>Why the model's template could not be used (a syntax error or an unsupported construct); rendering throws it.</summary>
    public ChatTemplateException? TemplateError { get; init; }

    /// <summary>The form for models without any chat format (the shipped Countdown models): <c>role: text</c> lines, then <c>assistant:</c>.</summary>
    public static ChatTemplate Plain { get; } = new(ChatTemplateFamily.Other) { Renderer = ChatTemplateRenderer.Parse(ChatTemplates.PlainTemplate) };

    /// <summary>Recognises the format of a chat_template (or, without one, of the vocabulary); null if unknown.</summary>
    public static ChatTemplate? Detect(string? chatTemplate, Func<string, bool> hasToken, string? bosToken) =>
        Detect(chatTemplate, hasToken, bosToken, null);

    /// <summary>
    /// The chat format of a model: its chat_template rendered by the Jinja renderer when there is one (a template the
    /// renderer cannot parse is kept as <see cref="TemplateError"/>), else the family the vocabulary reveals; null if neither.
    /// </summary>
    public static ChatTemplate? Detect(string? chatTemplate, Func<string, bool> hasToken, string? bosToken, string? eosToken)
    {
        var family = ChatTemplates.DetectFamily(chatTemplate, hasToken);
        if (family is null && chatTemplate is null)
            return null;
        bool Has(string text) => chatTemplate?.Contains(text, StringComparison.Ordinal) == true;
        var template = new ChatTemplate(
            family ?? ChatTemplateFamily.Other,
            bosToken,
            Has(ChatTemplates.QwenDefaultSystemPrompt) ? ChatTemplates.QwenDefaultSystemPrompt : null,
            AlwaysAddsGenerationPrompt: chatTemplate is not null && !Has("add_generation_prompt"),
            ToolResponsesAsUser: Has("<tool_response>"),
            Thinking: Has("</think>") && Has("reasoning_content"));
        if (chatTemplate is null)
            return template;
        try
        {
            return template with { Renderer = ChatTemplateRenderer.Parse(chatTemplate, bosToken, eosToken) };
        }
        catch (ChatTemplateException e)
        {
            return template with { TemplateError = e };
        }
    }

    /// <summary>Renders the conversation; with <paramref name="addGenerationPrompt"/> the text ends where the assistant's answer begins.</summary>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Whether to open an assistant turn at the end.</param>
    /// <param name="enableThinking">Qwen3: false opens the assistant turn with an empty &lt;think&gt; block.</param>
    /// <exception cref="InvalidRequestException">A message has an empty role or null content.</exception>
    /// <exception cref="ChatTemplateException">The model's template could not be parsed or rendered, or rejected the conversation.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool enableThinking = true) =>
        RenderConversation(messages, new ChatRenderOptions { AddGenerationPrompt = addGenerationPrompt, EnableThinking = enableThinking ? null : false });

    /// <summary>
    /// Renders the conversation with tools and template variables (see <see cref="ChatTemplateRenderer"/>). Named apart
    /// from <c>Render</c> so that documentation references to <c>ChatTemplate.Render</c> stay unambiguous.
    /// </summary>
    /// <exception cref="InvalidRequestException">A message is malformed, or tools are given to a model whose format has no template to place them.</exception>
    /// <exception cref="ChatTemplateException">The model's template could not be parsed or rendered, or rejected the conversation.</exception>
    public string RenderConversation(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        if (TemplateError is not null)
            throw TemplateError;
        if (ReferenceEquals(Renderer, Plain.Renderer) && options.Tools.Count > 0)
            throw new InvalidRequestException(
                "this model has no chat format (no chat_template, no ChatML or Llama 3 tokens), so there is no model-defined way to show it tools; write the tools into the messages yourself");
        if (Renderer is not null)
            return Renderer.Render(messages, options);
        for (var i = 0; i < messages.Count; i++)
            if (messages[i] is null || string.IsNullOrEmpty(messages[i].Role) || messages[i].Content is null)
                throw new InvalidRequestException($"chat message {i} has no role or no content; every message needs a role (system, user, assistant) and a content string");
        if (options.Tools.Count > 0 || messages.Any(m => m.ToolCalls is { Count: > 0 }))
            throw new InvalidRequestException(
                "this model has no chat_template, so there is no model-defined way to show it tools or tool calls; load the model directory with its tokenizer_config.json (or chat_template.jinja), or write the tools into the messages yourself");
        var addGenerationPrompt = options.AddGenerationPrompt | AlwaysAddsGenerationPrompt;
        return Family switch
        {
            ChatTemplateFamily.ChatMl => ChatMlFormat.Render(this, messages, addGenerationPrompt, options.EnableThinking != false),
            ChatTemplateFamily.Llama3 => Llama3Format.Render(this, messages, addGenerationPrompt),
            _ => Plain.RenderConversation(messages, options),
        };
    }
}
