using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Reasoning.Agents.Tests.SemanticKernel;

/// <summary>
/// A chat model with a script, standing in for a real one (a tiny fixture model cannot choose tools): asked first, it
/// calls the offered tool whose name ends with <c>solve_countdown</c> with JSON arguments, as a model's parsed tool
/// call arrives; shown the tool's result, it answers with that result's text.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Lock _lock = new();
    private readonly List<List<ChatMessage>> _calls = [];

    /// <summary>The messages of every call, in order.</summary>
    public IReadOnlyList<IReadOnlyList<ChatMessage>> Calls { get { lock (_lock) return [.. _calls]; } }

    /// <summary>The tool names offered on the first call.</summary>
    public IReadOnlyList<string> OfferedTools { get; private set; } = [];

    /// <summary>The text the final answer starts with.</summary>
    public const string AnswerPrefix = "The solver says: ";

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_lock)
            _calls.Add(list);
        var result = list.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
        if (result is not null)
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, AnswerPrefix + result.Result)));
        var tools = options?.Tools?.OfType<AIFunction>().ToList() ?? [];
        OfferedTools = [.. tools.Select(t => t.Name)];
        var tool = tools.FirstOrDefault(t => t.Name.EndsWith("solve_countdown", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"solve_countdown was not offered; tools: {string.Join(", ", OfferedTools)}");
        var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"numbers":[44,19,35,73],"target":98,"strategy":"sos"}""");
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", tool.Name, arguments)])));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            yield return update;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose() { }
}
