using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Chat format detection and the variations that the reference conversations do not cover.</summary>
public sealed class ChatTemplateTests
{
    [Fact]
    public void Family_comes_from_the_vocabulary_when_there_is_no_template()
    {
        ChatTemplates.DetectFamily(null, t => t == "<|start_header_id|>").Should().Be(ChatTemplateFamily.Llama3);
        ChatTemplates.DetectFamily(null, t => t == "<|im_start|>").Should().Be(ChatTemplateFamily.ChatMl);
        ChatTemplates.DetectFamily("{{ messages }}", _ => false).Should().BeNull();
    }

    [Fact]
    public void Qwen25_format_inserts_its_default_system_prompt_only_when_none_is_given()
    {
        var template = new ChatTemplate(ChatTemplateFamily.ChatMl, DefaultSystemPrompt: ChatTemplates.QwenDefaultSystemPrompt);

        template.Render([new ChatMessage("user", "Hi")], addGenerationPrompt: true).Should().Be(
            $"<|im_start|>system\n{ChatTemplates.QwenDefaultSystemPrompt}<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        template.Render([new ChatMessage("system", "S"), new ChatMessage("user", "Hi")], addGenerationPrompt: false).Should().Be(
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
    }

    [Fact]
    public void Plain_llama3_rendering_uses_the_default_bos_and_trims_content() =>
        ChatTemplates.Render(ChatTemplateFamily.Llama3, [new ChatMessage("user", " Hi\n")], addGenerationPrompt: true).Should().Be(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");

    [Fact]
    public void A_message_without_a_role_is_an_invalid_request()
    {
        var act = () => ChatTemplates.Render(ChatTemplateFamily.ChatMl, [new ChatMessage("", "Hi")], addGenerationPrompt: true);

        act.Should().Throw<InvalidRequestException>().WithMessage("*message 0*role*");
    }

    [Fact]
    public void A_tokenizer_without_a_chat_format_renders_the_plain_role_colon_text_form()
    {
        var tokenizer = Tokenizer.FromJson("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "plain.json");

        tokenizer.ChatTemplate.Should().BeNull();
        tokenizer.RenderChat([new ChatMessage("system", "Be brief."), new ChatMessage("user", "a")], addGenerationPrompt: true)
            .Should().Be("system: Be brief.\nuser: a\nassistant:");
        tokenizer.RenderChat([new ChatMessage("user", "a")], addGenerationPrompt: false).Should().Be("user: a\n");
    }

    [Fact]
    public void Tools_for_a_model_without_a_template_are_an_invalid_request()
    {
        var tokenizer = Tokenizer.FromJson("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "plain.json");
        using var schema = System.Text.Json.JsonDocument.Parse("""{"type": "object"}""");
        var options = new ChatRenderOptions { Tools = [new ChatTool("f", null, schema.RootElement.Clone())] };

        var act = () => tokenizer.RenderChat([new ChatMessage("user", "a")], options);

        act.Should().Throw<InvalidRequestException>().WithMessage("*no chat format*tools*");
        var llama = () => ChatTemplates.Render(ChatTemplateFamily.Llama3, [new ChatMessage("user", "a") { ToolCalls = [new ChatToolCall("f", "{}")] }], true);
        llama.Should().Throw<InvalidRequestException>().WithMessage("*no chat_template*");
    }

    [Fact]
    public void A_template_the_renderer_cannot_parse_fails_when_rendering_with_the_construct_named()
    {
        var template = ChatTemplate.Detect("<|im_start|>{% macro m() %}x{% endmacro %}{{ m() }}", _ => false, null)!;

        template.Family.Should().Be(ChatTemplateFamily.ChatMl);
        template.TemplateError!.Construct.Should().Be("macro");
        var act = () => template.Render([new ChatMessage("user", "Hi")], addGenerationPrompt: true);
        act.Should().Throw<ChatTemplateException>().Where(e => e.Kind == ChatTemplateErrorKind.Unsupported && e.Line == 1)
            .WithMessage("*macro*not supported*");
    }

    [Fact]
    public void A_jinja_template_raises_its_own_error_text()
    {
        var template = ChatTemplate.Detect(
            "{% for m in messages %}{% if m.role == 'system' and not loop.first %}{{ raise_exception('System message must be first') }}{% endif %}{{ m.content }}{% endfor %}",
            _ => false, null)!;

        template.Render([new ChatMessage("system", "S"), new ChatMessage("user", "U")], addGenerationPrompt: true).Should().Be("SU");
        var act = () => template.Render([new ChatMessage("user", "U"), new ChatMessage("system", "S")], addGenerationPrompt: true);
        act.Should().Throw<ChatTemplateException>().Where(e => e.Kind == ChatTemplateErrorKind.Raised)
            .WithMessage("*System message must be first");
    }
}
