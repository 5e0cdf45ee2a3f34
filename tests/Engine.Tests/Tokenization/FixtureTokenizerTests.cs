using System.Text.Json;
using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;

using Reasoning.Engine.Tests.Support;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>The tiny model fixtures' tokenizers reproduce the ids in their reference.json (made by @huggingface/tokenizers).</summary>
public sealed class FixtureTokenizerTests
{
    public static TheoryData<string> Models => new() { "tiny-llama", "tiny-qwen2", "tiny-qwen3" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Encode_matches_the_fixture_reference_and_decode_round_trips(string model)
    {
        var tokenizer = Tokenizer.Load(RepoPaths.Fixture(model));
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixture(model), "reference.json")));

        foreach (var prompt in reference.RootElement.GetProperty("prompts").EnumerateArray())
        {
            var text = prompt.GetProperty("text").GetString()!;
            var ids = prompt.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();

            tokenizer.Encode(text).Should().Equal(ids, $"encoding {JsonSerializer.Serialize(text)}");
            tokenizer.Decode(ids).Should().Be(text);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_directory_gives_eos_list_special_tokens_and_chat_format(string model)
    {
        var tokenizer = Tokenizer.Load(RepoPaths.Fixture(model));

        tokenizer.VocabSize.Should().Be(300);
        tokenizer.EosTokenIds.Should().Equal(297, 299);
        tokenizer.IsSpecial(298).Should().BeTrue();
        tokenizer.ChatTemplate!.Family.Should().Be(ChatTemplateFamily.ChatMl);
        tokenizer.RenderChat([new ChatMessage("user", "hi")], addGenerationPrompt: true)
            .Should().Be("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    [Fact]
    public void A_chat_template_jinja_file_beside_the_tokenizer_is_read()
    {
        using var directory = new TempDirectory().WithFixtureFile("tiny-llama", "tokenizer.json").With("chat_template.jinja",
            "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>{% endfor %}{% if add_generation_prompt %}{% endif %}");

        Tokenizer.Load(directory.Path).ChatTemplate!.Family.Should().Be(ChatTemplateFamily.Llama3);
    }

    [Fact]
    public void Tokenizer_config_can_ask_for_bos_and_eos_around_every_encoding()
    {
        using var directory = new TempDirectory().WithFixtureFile("tiny-qwen3", "tokenizer.json").With("tokenizer_config.json",
            """{"add_bos_token": true, "add_eos_token": true, "bos_token": "<|im_start|>", "eos_token": {"content": "<|endoftext|>"}}""");
        var tokenizer = Tokenizer.Load(directory.Path);

        tokenizer.Encode("hi").Should().Equal(298, 104, 105, 297);
        tokenizer.Encode("hi", addSpecialTokens: false).Should().Equal(104, 105);
    }

    [Fact]
    public void A_tokenizer_json_file_loads_without_its_directory_config()
    {
        var tokenizer = Tokenizer.Load(Path.Combine(RepoPaths.Fixture("tiny-qwen3"), "tokenizer.json"));

        tokenizer.EosTokenIds.Should().BeEmpty();
        tokenizer.Encode("<|im_start|>user").Should().StartWith(298);
    }
}
