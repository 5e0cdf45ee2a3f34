using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Xunit;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// Outputs as Qwen2.5/Qwen3 and Llama 3.1 write them after the prompts of their templates (written by hand from the
/// formats: a tiny fixture model cannot choose tools), read back into calls.
/// </summary>
public class ToolCallParserTests
{
    private static string Arg(FunctionCallContent call, string name) => ((JsonElement)call.Arguments![name]!).GetRawText();

    [Fact]
    public void Qwen_one_call_with_no_text()
    {
        const string output = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>";

        var parsed = ToolCallParser.Parse(output, ToolCallFormat.Hermes);

        parsed.Text.Should().BeEmpty();
        parsed.Calls.Should().ContainSingle();
        parsed.Calls[0].Name.Should().Be("get_weather");
        Arg(parsed.Calls[0], "city").Should().Be("\"Paris\"");
        Arg(parsed.Calls[0], "unit").Should().Be("\"celsius\"");
            }

    [Fact]
    public void Qwen3_thinking_then_two_parallel_calls()
    {
        const string output = "<think>\nThe user wants a sum and the weather.\n</think>\n\nLet me check both.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3.5}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";

        var parsed = ToolCallParser.Parse(output, ToolCallFormat.Hermes);

        parsed.Text.Should().Be("<think>\nThe user wants a sum and the weather.\n</think>\n\nLet me check both.");
        parsed.Calls.Select(c => c.Name).Should().Equal("add", "get_weather");
        Arg(parsed.Calls[0], "a").Should().Be("2");
        Arg(parsed.Calls[0], "b").Should().Be("3.5");
        Arg(parsed.Calls[1], "city").Should().Be("\"Oslo\"");
        parsed.Calls[0].CallId.Should().NotBe(parsed.Calls[1].CallId);
    }

    [Fact]
    public void Qwen_call_left_open_by_the_end_of_generation_is_still_read()
    {
        var parsed = ToolCallParser.Parse("<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 2}}\n", ToolCallFormat.Hermes);

        parsed.Calls.Should().ContainSingle().Which.Name.Should().Be("add");
    }

    [Fact]
    public void Qwen_arguments_written_as_a_json_string_are_unwrapped()
    {
        var parsed = ToolCallParser.Parse("<tool_call>\n{\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 1, \\\"b\\\": 2}\"}\n</tool_call>", ToolCallFormat.Hermes);

        Arg(parsed.Calls[0], "b").Should().Be("2");
    }

    [Fact]
    public void An_answer_without_calls_is_text_unchanged()
    {
        const string output = "  The weather in Paris is sunny.\n";

        ToolCallParser.Parse(output, ToolCallFormat.Hermes).Should().BeEquivalentTo(new ParsedToolOutput(output, []));
        ToolCallParser.Parse(output, ToolCallFormat.Llama3Json).Should().BeEquivalentTo(new ParsedToolOutput(output, []));
    }

    [Theory]
    [InlineData("<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1,}\n</tool_call>", "not valid JSON")]
    [InlineData("<tool_call>\n{\"arguments\": {\"a\": 1}}\n</tool_call>", "no function name")]
    [InlineData("<tool_call>\n[\"add\", 1, 2]\n</tool_call>", "not an object")]
    [InlineData("<tool_call>\n{\"name\": \"\", \"arguments\": {}}\n</tool_call>", "no function name")]
    [InlineData("<tool_call>\n{\"name\": \"add\", \"arguments\": [1, 2]}\n</tool_call>", "not a JSON object")]
    public void A_broken_qwen_call_is_a_typed_error_that_keeps_the_output(string output, string problem)
    {
        var act = () => ToolCallParser.Parse(output, ToolCallFormat.Hermes);

        act.Should().Throw<MalformedToolCallException>().WithMessage($"*{problem}*").Which.RawOutput.Should().Be(output);
    }


    [Fact]
    public void Llama3_json_call_with_parameters()
    {
        const string output = "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}}";

        var parsed = ToolCallParser.Parse(output, ToolCallFormat.Llama3Json);

        parsed.Text.Should().BeEmpty();
        parsed.Calls.Should().ContainSingle().Which.Name.Should().Be("get_weather");
        Arg(parsed.Calls[0], "city").Should().Be("\"San Francisco, CA\"");
    }

    [Fact]
    public void Llama3_python_tag_and_arguments_key_are_accepted()
    {
        var parsed = ToolCallParser.Parse("<|python_tag|>{\"name\": \"add\", \"arguments\": {\"a\": 4, \"b\": 5}}", ToolCallFormat.Llama3Json);

        parsed.Calls.Should().ContainSingle().Which.Name.Should().Be("add");
        Arg(parsed.Calls[0], "a").Should().Be("4");
    }

    [Fact]
    public void Llama3_json_without_a_name_is_an_answer()
    {
        const string output = "{\"temperature\": 18, \"sky\": \"clear\"}";

        ToolCallParser.Parse(output, ToolCallFormat.Llama3Json).Should().BeEquivalentTo(new ParsedToolOutput(output, []));
    }

    [Fact]
    public void Llama3_call_cut_off_is_a_typed_error()
    {
        var act = () => ToolCallParser.Parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Par", ToolCallFormat.Llama3Json);

        act.Should().Throw<MalformedToolCallException>().WithMessage("*not valid JSON*");
    }
}

public class MalformedToolCallHandlingTests
{
    private const string Broken = "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1,\n</tool_call>";

    [Fact]
    public void Throw_raises_the_typed_error()
    {
        var act = () => ReasoningChatClient.ReadToolCalls(Broken, ToolCallFormat.Hermes, MalformedToolCallHandling.Throw);

        act.Should().Throw<MalformedToolCallException>();
    }

    [Fact]
    public void ReturnText_gives_the_raw_output_as_the_answer()
    {
        ReasoningChatClient.ReadToolCalls(Broken, ToolCallFormat.Hermes, MalformedToolCallHandling.ReturnText)
            .Should().BeEquivalentTo(new ParsedToolOutput(Broken, []));
    }
}
