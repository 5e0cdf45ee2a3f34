using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

public sealed class TokenizerCodecTests
{
    private static readonly Tokenizer Tokenizer = Tokenizer.Load(Path.Combine(RepoPaths.FixtureModel("tiny-qwen2"), "tokenizer.json"));

    [Fact]
    public void Whole_decoding_and_streamed_decoding_agree_on_ids_the_tokenizer_has_no_token_for()
    {
        // A model may emit an id from its padding rows; a thread's text is streamed (such ids add nothing), and
        // cutting the thread back decodes its tokens whole: the two must give the same text, and not throw.
        var codec = new TokenizerCodec(Tokenizer);
        var ids = codec.Encode("ab c d").ToList();
        ids.Should().HaveCountGreaterThan(1);
        int padding = Tokenizer.VocabSize + 7;
        Tokenizer.IdToToken(padding).Should().BeNull();
        var withPadding = new List<int>(ids);
        withPadding.Insert(1, padding);
        withPadding.Add(padding);

        var stream = codec.CreateStreamDecoder();
        string streamed = string.Concat(withPadding.Select(stream.Push)) + stream.Flush();

        codec.Decode(withPadding).Should().Be(Tokenizer.Decode(ids), "the padding ids add no text");
        codec.Decode(withPadding).Should().Be(streamed);
        streamed.Should().Be("ab c d");
    }
}
