using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Tokenization;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// A model that answers turn i with outputs[i] (recorded Qwen outputs), recording the prompts it was shown: it renders
/// each request with <see cref="ChatPromptRenderer"/> and reads its output with <see cref="ToolCallParser"/>, as
/// <see cref="ReasoningChatClient"/> does, so everything but the sampling is the client's own path.
/// </summary>
public sealed class ScriptedQwen(params string[] outputs) : IChatClient
{
    private readonly ChatPromptRenderer _renderer = new(new ChatTemplate(ChatTemplateFamily.ChatMl, ToolResponsesAsUser: true));
    public List<string> Prompts { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        Prompts.Add(_renderer.Render(messages, tools, instructions: options?.Instructions));
        var parsed = ToolCallParser.Parse(outputs[Prompts.Count - 1], ToolCallFormat.Hermes);
        var contents = new List<AIContent>();
        if (parsed.Text.Length > 0)
            contents.Add(new TextContent(parsed.Text));
        contents.AddRange(parsed.Calls);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            FinishReason = parsed.Calls.Count > 0 ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the script answers whole responses");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
