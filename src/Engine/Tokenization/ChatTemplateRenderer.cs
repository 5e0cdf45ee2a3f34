using System.Text.Json;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization.Jinja;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Renders a conversation with a model's own Jinja chat template, passing what transformers'
/// <c>apply_chat_template</c> passes: <c>messages</c> (role, content, and <c>tool_calls</c> as
/// <c>{"type": "function", "id", "function": {"name", "arguments"}}</c>, <c>tool_call_id</c>, <c>name</c>),
/// <c>tools</c> as <c>{"type": "function", "function": {"name", "description", "parameters"}}</c>,
/// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c> and, if set, <c>enable_thinking</c>.
/// </summary>
public sealed class ChatTemplateRenderer
{
    /// <summary>Creates a renderer for a parsed template.</summary>
    /// <param name="template">The chat template.</param>
    /// <param name="bosToken">The model's BOS token text (templates write it themselves), or null for an empty string.</param>
    /// <param name="eosToken">The model's EOS token text, or null for an empty string.</param>
    public ChatTemplateRenderer(JinjaTemplate template, string? bosToken = null, string? eosToken = null)
    {
        Template = template ?? throw new ArgumentNullException(nameof(template));
        BosToken = bosToken;
        EosToken = eosToken;
    }

    /// <summary>The template.</summary>
    public JinjaTemplate Template { get; }

    /// <summary>The BOS token text given to the template.</summary>
    public string? BosToken { get; }

    /// <summary>The EOS token text given to the template.</summary>
    public string? EosToken { get; }

    /// <summary>Parses <paramref name="source"/> and creates a renderer for it.</summary>
    /// <exception cref="ChatTemplateException">The template has a syntax error or a construct the renderer does not support.</exception>
    public static ChatTemplateRenderer Parse(string source, string? bosToken = null, string? eosToken = null) =>
        new(JinjaTemplate.Parse(source), bosToken, eosToken);

    /// <summary>Renders the conversation.</summary>
    /// <param name="messages">The conversation so far.</param>
    /// <param name="options">Generation prompt, tools, thinking and extra variables (defaults: open an assistant turn, no tools).</param>
    /// <exception cref="InvalidRequestException">A message has no role, or a tool call's arguments are not a JSON object.</exception>
    /// <exception cref="ChatTemplateException">The template failed, or rejected the conversation with <c>raise_exception</c>
    /// (<see cref="ChatTemplateErrorKind.Raised"/>; its message carries the template's text).</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new ChatRenderOptions();
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages.Select(Message).ToList(),
            ["add_generation_prompt"] = options.AddGenerationPrompt,
            ["bos_token"] = BosToken ?? "",
            ["eos_token"] = EosToken ?? "",
        };
        if (options.Tools.Count > 0)
            context["tools"] = options.Tools.Select(Tool).ToList();
        if (options.EnableThinking is { } thinking)
            context["enable_thinking"] = thinking;
        if (options.Variables is { } variables)
            foreach (var (name, value) in variables)
                context[name] = value;
        return Template.Render(context, options.Clock);
    }

    private static Dictionary<string, object?> Message(ChatMessage message, int index)
    {
        if (message is null || string.IsNullOrEmpty(message.Role) || (message.Content is null && !message.ContentIsNone))
            throw new InvalidRequestException($"chat message {index} has no role or no content; every message needs a role (system, user, assistant) and a content string");
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = message.Role,
            ["content"] = message.ContentIsNone ? null : message.Content,
        };
        if (message.ReasoningContent is { } reasoning)
            result["reasoning_content"] = reasoning;
        if (message.ToolCalls is { Count: > 0 } calls)
            result["tool_calls"] = calls.Select((call, i) => ToolCall(call, index, i)).ToList();
        if (message.ToolCallId is { } id)
            result["tool_call_id"] = id;
        if (message.Name is { } name)
            result["name"] = name;
        return result;
    }

    private static Dictionary<string, object?> ToolCall(ChatToolCall call, int message, int index)
    {
        JsonElement arguments;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.ArgumentsJson) ? "{}" : call.ArgumentsJson);
            arguments = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidRequestException($"chat message {message}, tool call {index} ({call.Name}): the arguments are not valid JSON ({e.Message}); pass them as a JSON object");
        }
        if (arguments.ValueKind != JsonValueKind.Object)
            throw new InvalidRequestException($"chat message {message}, tool call {index} ({call.Name}): the arguments must be a JSON object, not {arguments.ValueKind}");
        var result = new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "function" };
        if (call.Id is { } id)
            result["id"] = id;
        result["function"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = call.Name, ["arguments"] = arguments };
        return result;
    }

    private static Dictionary<string, object?> Tool(ChatTool tool)
    {
        var function = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = tool.Name };
        if (tool.Description is { } description)
            function["description"] = description;
        function["parameters"] = tool.Parameters;
        return new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "function", ["function"] = function };
    }
}
