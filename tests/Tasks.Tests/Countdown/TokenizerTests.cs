using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class TokenizerTests
{
    private static string ReferenceDir([System.Runtime.CompilerServices.CallerFilePath] string file = "") =>
        Path.Combine(Path.GetDirectoryName(file)!, "..", "TokenizerReference");

    [Fact]
    public void Committed_tokenizer_json_has_the_hugging_face_bpe_shape()
    {
        var json = JsonNode.Parse(CountdownTokenizer.EmbeddedJson())!;
        json["model"]!["type"]!.GetValue<string>().Should().Be("BPE");
        json["pre_tokenizer"]!["type"]!.GetValue<string>().Should().Be("Sequence");
        json["decoder"]!["type"]!.GetValue<string>().Should().Be("ByteLevel");
        var vocab = json["model"]!["vocab"]!.AsObject();
        vocab.Count.Should().BeLessThanOrEqualTo(512);
        vocab.Select(p => p.Value!.GetValue<int>()).Should().OnlyHaveUniqueItems();
        json["added_tokens"]![0]!["content"]!.GetValue<string>().Should().Be("<|endoftext|>");
        json["added_tokens"]![0]!["id"]!.GetValue<int>().Should().Be(vocab.Count);
    }

    [Fact]
    public void Builder_reproduces_the_committed_tokenizer()
    {
        CountdownTokenizerBuilder.Build(CountdownTokenizerBuilder.DefaultCorpus()).Should().Be(CountdownTokenizer.EmbeddedJson());
    }

    [Fact]
    public void Csharp_encoding_matches_the_javascript_reference_ids_and_decodes_back()
    {
        var tokenizer = CountdownTokenizer.Load();
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(ReferenceDir(), "expected.json")))!["cases"]!.AsArray();
        expected.Count.Should().BeGreaterThan(100);
        foreach (var c in expected)
        {
            var text = c!["text"]!.GetValue<string>();
            var ids = c["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToList();
            tokenizer.Encode(text).Should().Equal(ids, text.Length > 60 ? text[..60] : text);
            tokenizer.Decode(ids).Should().Be(text);
        }
    }

    [Fact]
    public void Fixed_phrases_are_single_tokens_and_digits_are_split()
    {
        var tokenizer = CountdownTokenizer.Load();
        tokenizer.Encode("]\nExploring Operation: ").Should().HaveCount(1);
        tokenizer.Encode("\n<Calling Sub Searches>\n<Start Sub Search ").Should().HaveCount(1);
        tokenizer.Encode("1234").Should().HaveCount(4);
    }
}
