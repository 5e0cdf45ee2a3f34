using FluentAssertions;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Tokenization;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// The real Microsoft.Extensions.AI function-invocation middleware around a scripted model: the script renders each
/// request with <see cref="ChatPromptRenderer"/> (as <see cref="ReasoningChatClient"/> does) and answers with recorded
/// Qwen outputs read by <see cref="ToolCallParser"/>, so everything but the sampling is the client's own path.
/// </summary>
public class FunctionInvocationTests
{
    [Fact(Timeout = 60_000)]
    public async Task UseFunctionInvocation_runs_the_tool_the_model_asked_for_and_shows_the_model_its_result()
    {
        var calls = new List<(string City, string Unit)>();
        var weather = AIFunctionFactory.Create((string city, string unit) =>
        {
            calls.Add((city, unit));
            return $"18 degrees {unit} in {city}";
        }, "get_weather", "Current weather of a city.");
        var model = new ScriptedQwen(
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>",
            "It is 18 degrees and sunny in Paris.");
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [weather] });

        calls.Should().Equal(("Paris", "celsius"));
        response.Text.Should().Be("It is 18 degrees and sunny in Paris.");
        model.Prompts.Should().HaveCount(2);
        model.Prompts[0].Should().Contain("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"");
        model.Prompts[1].Should().EndWith(
            "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n18 degrees celsius in Paris\n</tool_response><|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_broken_call_reaches_the_caller_as_a_typed_error_through_the_middleware()
    {
        var invoked = 0;
        var add = AIFunctionFactory.Create((int a, int b) => { invoked++; return a + b; }, "add", "Adds two numbers.");
        var model = new ScriptedQwen("<tool_call>\n{\"name\": \"add\", \"arguments\": [2, 3]}\n</tool_call>");
        using var client = new ChatClientBuilder(model).UseFunctionInvocation().Build();

        var act = () => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Add 2 and 3")], new ChatOptions { Tools = [add] });

        (await act.Should().ThrowAsync<MalformedToolCallException>()).Which.Message.Should().Contain("not a JSON object");
        invoked.Should().Be(0);
    }
}
