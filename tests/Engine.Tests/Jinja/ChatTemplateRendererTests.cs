using System.Text.Json;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Jinja;

/// <summary>What <see cref="ChatTemplateRenderer"/> hands a template, written out by small templates, and its input errors.</summary>
public sealed class ChatTemplateRendererTests
{
    private const string Echo =
        "{{ bos_token }}[{{ 'T' if tools is defined else 'F' }}{{ enable_thinking if enable_thinking is defined else '-' }}{{ add_generation_prompt }}]" +
        "{% for m in messages %}{{ m | tojson }};{% endfor %}{% if tools %}{{ tools | tojson }}{% endif %}{{ eos_token }}{{ date_string | default('') }}";

    [Fact]
    public void Messages_tools_and_flags_reach_the_template_in_transformers_shape()
    {
        var renderer = ChatTemplateRenderer.Parse(Echo, "<s>", "</s>");
        using var schema = JsonDocument.Parse("""{"type": "object", "properties": {"a": {"type": "integer"}}}""");
        var messages = new[]
        {
            new ChatMessage("user", "hi"),
            new ChatMessage("assistant", "") { ContentIsNone = true, ToolCalls = [new ChatToolCall("f", """{"a": 1}""", "c1")] },
            new ChatMessage("tool", "2") { ToolCallId = "c1", Name = "f" },
        };

        var text = renderer.Render(messages, new ChatRenderOptions
        {
            Tools = [new ChatTool("f", "Adds.", schema.RootElement.Clone())],
            EnableThinking = false,
            Variables = new Dictionary<string, object?> { ["date_string"] = "1 Jan 2026" },
        });

        text.Should().Be(
            "<s>[TFalseTrue]" +
            """{"role": "user", "content": "hi"};""" +
            """{"role": "assistant", "content": null, "tool_calls": [{"type": "function", "id": "c1", "function": {"name": "f", "arguments": {"a": 1}}}]};""" +
            """{"role": "tool", "content": "2", "tool_call_id": "c1", "name": "f"};""" +
            """[{"type": "function", "function": {"name": "f", "description": "Adds.", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}}]""" +
            "</s>1 Jan 2026");
        renderer.Render([new ChatMessage("user", "x")], new ChatRenderOptions { AddGenerationPrompt = false })
            .Should().Be("""<s>[F-False]{"role": "user", "content": "x"};</s>""");
    }

    [Theory]
    [InlineData("{not json", "*tool call 0 (f)*not valid JSON*")]
    [InlineData("[1, 2]", "*tool call 0 (f)*must be a JSON object*")]
    public void Tool_call_arguments_must_be_a_json_object(string arguments, string message)
    {
        var renderer = ChatTemplateRenderer.Parse(Echo);

        var act = () => renderer.Render([new ChatMessage("assistant", "") { ToolCalls = [new ChatToolCall("f", arguments)] }]);

        act.Should().Throw<InvalidRequestException>().WithMessage("chat message 0, " + message.TrimStart('*'));
    }

    [Fact]
    public void A_message_without_a_role_is_an_invalid_request()
    {
        var renderer = ChatTemplateRenderer.Parse(Echo);

        var act = () => renderer.Render([new ChatMessage("user", "a"), new ChatMessage("", "b")]);

        act.Should().Throw<InvalidRequestException>().WithMessage("chat message 1 has no role*");
    }
}
