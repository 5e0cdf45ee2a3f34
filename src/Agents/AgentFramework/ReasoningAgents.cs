using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;

namespace Reasoning.Agents.AgentFramework;

/// <summary>
/// Microsoft Agent Framework agents whose model is this framework's engine. An agent is a <see cref="ChatClientAgent"/>
/// over a <see cref="ReasoningChatClient"/> (or any chat client): the agent's instructions reach the model as the
/// system turn, its tools are offered in the template's tool format and run by the agent's function-invocation loop,
/// and a reasoning strategy makes every answer a strategy run (the tree is in the raw <see cref="ChatResponse"/>'s
/// AdditionalProperties: <see cref="ChatPropertyNames.ReasoningTree"/>).
/// </summary>
public static class ReasoningAgents
{
    /// <summary>An agent on <paramref name="chatClient"/> with instructions, tools and, optionally, a reasoning strategy.</summary>
    /// <param name="chatClient">The model: a <see cref="ReasoningChatClient"/>, or any chat client.</param>
    /// <param name="instructions">What the agent is for; the model sees them as its system message.</param>
    /// <param name="name">The agent's name.</param>
    /// <param name="description">What the agent does, for other agents and logs.</param>
    /// <param name="tools">Functions the agent may call (<c>AIFunctionFactory.Create</c>).</param>
    /// <param name="reasoningStrategy">A strategy for every answer (<c>sos</c>, <c>cons@8</c>, …); null: one plain generation.</param>
    /// <param name="chatOptions">Sampling and other chat options every run starts from (copied).</param>
    /// <exception cref="Reasoning.Engine.Errors.InvalidRequestException">The strategy is unknown, or the chat client is a
    /// <see cref="ReasoningChatClient"/> that cannot run it on chat prompts.</exception>
    public static ChatClientAgent CreateReasoningAgent(this IChatClient chatClient, string instructions, string? name = null, string? description = null,
        IList<AITool>? tools = null, string? reasoningStrategy = null, ChatOptions? chatOptions = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        var options = chatOptions?.Clone() ?? new ChatOptions();
        options.Instructions = instructions;
        if (tools is not null)
            options.Tools = [.. tools];
        if (reasoningStrategy is not null)
        {
            // A bad name fails here, where the agent is made, not at its first run.
            if (chatClient.GetService<ReasoningChatClient>() is { } reasoning)
                reasoning.CheckStrategy(reasoningStrategy);
            options.AdditionalProperties ??= [];
            options.AdditionalProperties[ChatPropertyNames.ReasoningStrategy] = reasoningStrategy;
        }
        return new ChatClientAgent(chatClient, new ChatClientAgentOptions { Name = name, Description = description, ChatOptions = options });
    }

    /// <summary>The reasoning tree of an agent's answer when it ran a strategy, else null.</summary>
    public static System.Text.Json.Nodes.JsonObject? ReasoningTreeOf(AgentResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (response.RawRepresentation as ChatResponse)?.AdditionalProperties?.GetValueOrDefault(ChatPropertyNames.ReasoningTree) as System.Text.Json.Nodes.JsonObject
            ?? response.AdditionalProperties?.GetValueOrDefault(ChatPropertyNames.ReasoningTree) as System.Text.Json.Nodes.JsonObject;
    }
}
