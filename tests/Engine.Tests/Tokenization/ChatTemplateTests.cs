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
    public void Qwen25_template_inserts_its_default_system_prompt_only_when_none_is_given()
    {
        var template = ChatTemplate.Detect($"<|im_start|>system\n{ChatTemplates.QwenDefaultSystemPrompt} add_generation_prompt", _ => false, null)!;

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
    public void A_tokenizer_without_a_chat_format_says_so()
    {
        var tokenizer = Tokenizer.FromJson("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "plain.json");

        var act = () => tokenizer.RenderChat([new ChatMessage("user", "a")], addGenerationPrompt: true);

        act.Should().Throw<InvalidRequestException>().WithMessage("*no recognised chat template*");
    }
}
