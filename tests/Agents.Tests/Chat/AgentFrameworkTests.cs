using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Reasoning.Agents.AgentFramework;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Errors;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// Microsoft Agent Framework 1.28's real <see cref="ChatClientAgent"/> on our chat client: on the engine (tiny-llama)
/// compared with the client's own answer to the same system + user messages, and with tools on the scripted Qwen
/// model (a tiny random model cannot choose tools).
/// </summary>
public sealed class AgentFrameworkTests : IDisposable
{
    private readonly TinyChatEngine _tiny = new("tiny-llama");
    private readonly ReasoningChatClient _client;

    public AgentFrameworkTests() => _client = new ReasoningChatClient(_tiny.Engine, _tiny.Tokenizer);

    public void Dispose()
    {
        _client.Dispose();
        _tiny.Dispose();
    }

    private static readonly ChatOptions Short = new() { MaxOutputTokens = 8 };

    [Fact(Timeout = 60_000)]
    public async Task An_agent_on_the_engine_answers_what_the_client_answers_to_its_instructions_and_the_message()
    {
        var expected = await _client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hello there")], Short);
        AIAgent agent = _client.AsAIAgent(new ChatClientAgentOptions { ChatOptions = new ChatOptions { Instructions = "Be brief.", MaxOutputTokens = 8 } });

        var response = await agent.RunAsync("Hello there");

        response.Text.Should().Be(expected.Text);
        response.Usage!.InputTokenCount.Should().Be(expected.Usage!.InputTokenCount);
        response.Usage.OutputTokenCount.Should().Be(expected.Usage.OutputTokenCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Streaming_an_agent_yields_the_text_of_a_whole_run()
    {
        var agent = _client.CreateReasoningAgent("Be brief.", chatOptions: Short);
        var whole = await agent.RunAsync("Hello there");

        var text = "";
        await foreach (var update in agent.RunStreamingAsync("Hello there"))
            text += update.Text;

        text.Should().Be(whole.Text);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reasoning_agent_runs_its_strategy_and_returns_the_tree()
    {
        var agent = _client.CreateReasoningAgent("Be brief.", name: "thinker", reasoningStrategy: "cons@3", chatOptions: Short);
        var plain = await _client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Hello there")], Short);

        var response = await agent.RunAsync("Hello there");

        agent.Name.Should().Be("thinker");
        var tree = ReasoningAgents.ReasoningTreeOf(response);
        tree.Should().NotBeNull();
        tree!["children"]!.AsArray().Should().HaveCount(3);
        // Greedy traces agree, so the vote's answer is the plain greedy answer.
        response.Text.Should().Be(plain.Text);
        response.Usage!.OutputTokenCount.Should().Be(3 * plain.Usage!.OutputTokenCount);
    }

    [Fact]
    public void A_strategy_the_client_cannot_run_fails_when_the_agent_is_made()
    {
        var act = () => _client.CreateReasoningAgent("x", reasoningStrategy: "apr");

        act.Should().Throw<InvalidRequestException>().WithMessage("*APR*");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_agent_with_tools_calls_them_through_its_function_loop_and_keeps_the_session()
    {
        var cities = new List<string>();
        var weather = AIFunctionFactory.Create((string city) => { cities.Add(city); return $"18 degrees in {city}"; }, "get_weather", "Current weather of a city.");
        var model = new ScriptedQwen(
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
            "18 degrees in Paris.",
            "You asked about Paris.");
        var agent = model.CreateReasoningAgent("You report the weather.", tools: [weather]);
        var session = await agent.CreateSessionAsync();

        var first = await agent.RunAsync("Weather in Paris?", session);
        var second = await agent.RunAsync("Which city was it?", session);

        cities.Should().Equal("Paris");
        first.Text.Should().Be("18 degrees in Paris.");
        second.Text.Should().Be("You asked about Paris.");
        model.Prompts[0].Should().StartWith("<|im_start|>system\nYou report the weather.\n\n# Tools\n");
        model.Prompts[1].Should().Contain("<tool_response>\n18 degrees in Paris\n</tool_response>");
        // The session carried the first exchange into the second request.
        model.Prompts[2].Should().Contain("Weather in Paris?").And.Contain("18 degrees in Paris.<|im_end|>\n<|im_start|>user\nWhich city was it?");
    }
}
