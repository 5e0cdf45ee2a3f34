using System.Text;
using Microsoft.Extensions.AI;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;
using EngineMessage = Reasoning.Engine.Tokenization.ChatMessage;

namespace Reasoning.Agents.Chat;

/// <summary>
/// Turns a Microsoft.Extensions.AI conversation (text, tool calls, tool results) and its tools into the prompt text
/// the model sees. The model's chat format renders it (<see cref="ChatTemplate.Render"/>, called in one place:
/// <see cref="RenderWithTemplate"/>); tools, calls and results are first written into the messages the way the real
/// templates write them (<see cref="ToolPrompts"/>). A tokenizer with no chat template (the shipped Countdown models)
/// gets the plain form <c>role: text</c>, one message a line, ending with <c>assistant:</c>.
/// </summary>
public sealed class ChatPromptRenderer
{
    private readonly ChatTemplate? _template;

    /// <summary>A renderer for <paramref name="template"/> (null: the plain <c>role: text</c> form).</summary>
    public ChatPromptRenderer(ChatTemplate? template) => _template = template;

    /// <summary>The chat format, or null when the plain form is used.</summary>
    public ChatTemplate? Template => _template;

    /// <summary>How this model's tool calls are written: Llama 3's JSON for Llama 3 templates, Qwen's tags otherwise.</summary>
    public ToolCallFormat ToolFormat => _template?.Family == ChatTemplateFamily.Llama3 ? ToolCallFormat.Llama3Json : ToolCallFormat.Hermes;

    /// <summary>Renders the conversation with an open assistant turn at the end.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="tools">The function tools to offer (empty: none).</param>
    /// <param name="enableThinking">Qwen3: false opens the answer with an empty &lt;think&gt; block.</param>
    /// <param name="instructions">ChatOptions.Instructions (what an agent's instructions become): put before the
    /// conversation's own system message, in the same system turn, separated by a blank line.</param>
    /// <exception cref="InvalidRequestException">A message holds content the engine cannot show the model (an image, a
    /// file), a Llama 3 turn makes more than one call, or tools are offered to Llama 3 with no user message.</exception>
    public string Render(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, IReadOnlyList<AIFunctionDeclaration> tools, bool enableThinking = true,
        string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(tools);
        var converted = new List<EngineMessage>();
        foreach (var message in messages)
            Convert(message, converted);
        if (!string.IsNullOrEmpty(instructions))
        {
            if (converted.Count > 0 && converted[0].Role == "system")
                converted[0] = new EngineMessage("system", instructions + "\n\n" + converted[0].Content);
            else
                converted.Insert(0, new EngineMessage("system", instructions));
        }
        if (tools.Count > 0)
            converted = ToolFormat == ToolCallFormat.Hermes ? WithHermesTools(converted, tools) : WithLlama3Tools(converted, tools);
        return _template is null ? RenderPlain(converted) : RenderWithTemplate(_template, converted, enableThinking);
    }

    // The one call into the chat format: a full Jinja renderer can replace the C# formats behind ChatTemplate.Render
    // without anything here changing.
    private static string RenderWithTemplate(ChatTemplate template, IReadOnlyList<EngineMessage> messages, bool enableThinking) =>
        template.Render(messages, addGenerationPrompt: true, enableThinking);

    /// <summary>The fallback for tokenizers without a chat template: <c>role: text</c> lines and <c>assistant:</c>.</summary>
    private static string RenderPlain(IReadOnlyList<EngineMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var m in messages)
            text.Append(m.Role).Append(": ").Append(m.Content).Append('\n');
        return text.Append("assistant:").ToString();
    }

    private void Convert(Microsoft.Extensions.AI.ChatMessage message, List<EngineMessage> into)
    {
        var role = message.Role.Value;
        var text = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case FunctionCallContent call:
                    calls.Add(call);
                    break;
                case FunctionResultContent result:
                    into.Add(new EngineMessage(ToolFormat == ToolCallFormat.Llama3Json ? "ipython" : "tool", ToolPrompts.Result(result)));
                    break;
                case TextReasoningContent or UsageContent:
                    break;   // earlier reasoning is not shown again (the templates drop it too)
                default:
                    throw new InvalidRequestException(
                        $"a {role} message holds {content.GetType().Name}; the engine's models read text only (text, function calls and function results).");
            }
        }
        if (calls.Count > 0)
        {
            if (ToolFormat == ToolCallFormat.Llama3Json)
            {
                if (calls.Count > 1)
                    throw new InvalidRequestException("a Llama 3 assistant turn holds more than one tool call; Llama 3.1's format makes one call a turn. Split the calls into separate turns.");
                into.Add(new EngineMessage(role, ToolPrompts.Call(ToolFormat, calls[0])));
                return;
            }
            foreach (var call in calls)
                text.Append(text.Length > 0 ? "\n" : "").Append(ToolPrompts.Call(ToolFormat, call));
        }
        // A message that was only tool results is already added; any other message is a turn even when empty.
        if (calls.Count > 0 || text.Length > 0 || !message.Contents.Any(c => c is FunctionResultContent))
            into.Add(new EngineMessage(role, text.ToString()));
    }

    /// <summary>Qwen: the system turn becomes the system prompt (or the template's default) and the # Tools block.</summary>
    private List<EngineMessage> WithHermesTools(List<EngineMessage> messages, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var block = ToolPrompts.HermesToolsBlock(tools);
        var system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content : _template?.DefaultSystemPrompt;
        var rest = messages.Count > 0 && messages[0].Role == "system" ? messages.Skip(1) : messages;
        return [new EngineMessage("system", system is null ? block : system + "\n\n" + block), .. rest];
    }

    /// <summary>Llama 3.1: an ipython system header, and the tools in the first user message.</summary>
    private static List<EngineMessage> WithLlama3Tools(List<EngineMessage> messages, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content.Trim() : "";
        var rest = messages.Count > 0 && messages[0].Role == "system" ? messages.Skip(1).ToList() : messages;
        if (rest.Count == 0 || rest[0].Role != "user")
            throw new InvalidRequestException("Llama 3.1's format puts the tools in the first user message, and the conversation does not start with one (after the system message). Start it with a user message.");
        return
        [
            new EngineMessage("system", ToolPrompts.Llama3SystemPrefix + system),
            new EngineMessage("user", ToolPrompts.Llama3ToolsUserMessage(tools, rest[0].Content)),
            .. rest.Skip(1),
        ];
    }
}
