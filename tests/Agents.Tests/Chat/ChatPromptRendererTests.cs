using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;
using Reasoning.TestSupport;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

public class ChatPromptRendererTests
{
    private static readonly string FixturePath = Path.Combine(RepoPaths.Root, "tests", "Agents.Tests", "Chat", "Fixtures", "qwen3-tool-prompts.json");

    public static IEnumerable<object[]> QwenCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath));
        foreach (var c in document.RootElement.GetProperty("cases").EnumerateArray())
            yield return [c.GetProperty("name").GetString()!];
    }

    /// <summary>The reference is the real Qwen3 template rendered by @huggingface/jinja (make-qwen3-tool-prompts.mjs).</summary>
    [Theory]
    [MemberData(nameof(QwenCases))]
    public void Qwen3_tool_prompts_equal_the_real_template_rendered_by_huggingface_jinja(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePath));
        var template = document.RootElement.GetProperty("template").GetString()!;
        var c = document.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        var renderer = new ChatPromptRenderer(ChatTemplate.Detect(template, _ => true, null));

        var thinking = !c.TryGetProperty("enable_thinking", out var t) || t.GetBoolean();

        var prompt = renderer.Render(Messages(c.GetProperty("messages")), Tools(c.GetProperty("tools")), thinking);

        prompt.Should().Be(c.GetProperty("expected").GetString());
    }

    [Fact]
    public void Llama3_puts_the_tools_in_the_first_user_message_as_llama_3_1_does()
    {
        var renderer = new ChatPromptRenderer(new ChatTemplate(ChatTemplateFamily.Llama3, "<|begin_of_text|>"));
        var call = new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" });
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "18 degrees")]),
        };

        var prompt = renderer.Render(messages, [Weather()]);

        // Written by hand from Llama 3.1's chat template (tools_in_user_message, the default; date_string's default).
        const string tool = "{\n    \"type\": \"function\",\n    \"function\": {\n        \"name\": \"get_weather\",\n        \"description\": \"Current weather of a city.\",\n        \"parameters\": {\n            \"type\": \"object\",\n            \"properties\": {\n                \"city\": {\n                    \"type\": \"string\"\n                }\n            },\n            \"required\": [\n                \"city\"\n            ]\n        }\n    }\n}";
        prompt.Should().Be(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n"
            + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
            + tool + "\n\nWeather in Paris?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
            + "<|start_header_id|>ipython<|end_header_id|>\n\n18 degrees<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n");
        renderer.ToolFormat.Should().Be(ToolCallFormat.Llama3Json);
    }

    [Fact]
    public void A_tokenizer_without_a_chat_template_gets_role_colon_text_lines()
    {
        var renderer = new ChatPromptRenderer(null);

        var prompt = renderer.Render([new(ChatRole.System, "Solve it."), new(ChatRole.User, "11 3 94 50 -> 36")], [], instructions: "Be exact.");

        prompt.Should().Be("system: Be exact.\n\nSolve it.\nuser: 11 3 94 50 -> 36\nassistant:");
    }

    [Fact]
    public void Instructions_become_a_system_turn_when_the_conversation_has_none()
    {
        var renderer = new ChatPromptRenderer(new ChatTemplate(ChatTemplateFamily.ChatMl));

        renderer.Render([new(ChatRole.User, "Hi")], [], instructions: "You are terse.")
            .Should().Be("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public void Content_the_model_cannot_read_is_a_typed_error_naming_it()
    {
        var renderer = new ChatPromptRenderer(new ChatTemplate(ChatTemplateFamily.ChatMl));
        var image = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        var act = () => renderer.Render([image], []);

        act.Should().Throw<InvalidRequestException>().WithMessage("*DataContent*text*");
    }

    [Fact]
    public void Llama3_refuses_two_calls_in_one_turn()
    {
        var renderer = new ChatPromptRenderer(new ChatTemplate(ChatTemplateFamily.Llama3, "<|begin_of_text|>"));
        var turn = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("a", "f"), new FunctionCallContent("b", "g")]);

        var act = () => renderer.Render([new(ChatRole.User, "x"), turn], []);

        act.Should().Throw<InvalidRequestException>().WithMessage("*one call a turn*");
    }

    internal static AIFunctionDeclaration Weather() => AIFunctionFactory.CreateDeclaration("get_weather", "Current weather of a city.",
        JsonDocument.Parse("""{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}""").RootElement);

    /// <summary>Hugging Face's message dicts as Microsoft.Extensions.AI messages (calls and results keep their order and ids).</summary>
    private static List<ChatMessage> Messages(JsonElement messages)
    {
        var result = new List<ChatMessage>();
        var pending = new Queue<string>();
        foreach (var m in messages.EnumerateArray())
        {
            var role = m.GetProperty("role").GetString()!;
            var content = m.GetProperty("content").GetString()!;
            if (role == "tool")
            {
                result.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(pending.Dequeue(), content)]));
                continue;
            }
            var contents = new List<AIContent>();
            if (content.Length > 0)
                contents.Add(new TextContent(content));
            if (m.TryGetProperty("tool_calls", out var calls))
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var f = call.GetProperty("function");
                    var id = "call" + pending.Count + result.Count;
                    pending.Enqueue(id);
                    var args = f.GetProperty("arguments").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
                    contents.Add(new FunctionCallContent(id, f.GetProperty("name").GetString()!, args));
                }
            }
            result.Add(new ChatMessage(new ChatRole(role), contents));
        }
        return result;
    }

    private static List<AIFunctionDeclaration> Tools(JsonElement tools) => tools.ValueKind == JsonValueKind.Null ? [] :
        [.. tools.EnumerateArray().Select(t => t.GetProperty("function")).Select(f =>
            AIFunctionFactory.CreateDeclaration(f.GetProperty("name").GetString()!, f.GetProperty("description").GetString(), f.GetProperty("parameters").Clone()))];
}
