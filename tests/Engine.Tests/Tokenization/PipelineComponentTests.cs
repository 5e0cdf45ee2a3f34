using Reasoning.Engine.Tests.Support;
using System.Text.Json;
using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>
/// Pre-tokenizers, decoders, added tokens and BPE options on small hand-made inputs; the expected results
/// follow the Hugging Face tokenizers documentation of each component.
/// </summary>
public sealed class PipelineComponentTests
{
    private static readonly JsonFields Json = new("test.json");

    [Theory]
    [InlineData("Removed", false, "a|b|c")]
    [InlineData("Isolated", false, "a|-|b|-|-|c")]
    [InlineData("MergedWithPrevious", false, "a-|b-|-|c")]
    [InlineData("MergedWithNext", false, "a|-b|-|-c")]
    [InlineData("Contiguous", false, "a|-|b|--|c")]
    [InlineData("Removed", true, "-|-|-")]
    public void Split_behaviors_place_the_delimiter_as_documented(string behavior, bool invert, string expected)
    {
        var json = $$"""{"type": "Split", "pattern": {"String": "-"}, "behavior": "{{behavior}}", "invert": {{(invert ? "true" : "false")}}}""";

        string.Join('|', PreTokenize(json, "a-b--c")).Should().Be(expected);
    }

    [Theory]
    [InlineData("always", true, true, "▁hello|▁world")]
    [InlineData("first", true, false, "hello|▁world")]
    [InlineData("first", true, true, "▁hello|▁world")]
    [InlineData("never", true, true, "hello|▁world")]
    [InlineData("always", false, true, "▁hello▁world")]
    public void Metaspace_replaces_spaces_and_prepends_per_scheme(string scheme, bool split, bool atStart, string expected)
    {
        var json = $$"""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "{{scheme}}", "split": {{(split ? "true" : "false")}}}""";

        string.Join('|', PreTokenize(json, "hello world", atStart)).Should().Be(expected);
    }

    [Theory]
    [InlineData(true, "ab|1|2|3|c")]
    [InlineData(false, "ab|123|c")]
    public void Digits_are_split_individually_or_in_runs(bool individual, string expected) =>
        string.Join('|', PreTokenize($$"""{"type": "Digits", "individual_digits": {{(individual ? "true" : "false")}}}""", "ab123c"))
            .Should().Be(expected);

    [Fact]
    public void Byte_level_without_regex_writes_bytes_in_the_gpt2_alphabet() =>
        PreTokenize("""{"type": "ByteLevel", "add_prefix_space": true, "use_regex": false}""", "hé\n")
            .Should().Equal("ĠhÃ©Ċ");

    [Fact]
    public void Sentencepiece_decoders_restore_spaces_bytes_and_strip_the_first_space()
    {
        var json = """
            {"type": "Sequence", "decoders": [
              {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
              {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
            """;
        var decoder = Decoders.Read(Parse(json), Json, "decoder")!;

        string.Concat(decoder.Decode(["▁Hi", "▁", "<0xE4>", "<0xBD>", "<0xA0>", "▁"])).Should().Be("Hi 你 ");
        // As in the Rust implementation, a run of byte tokens that is not valid UTF-8 becomes one U+FFFD per byte.
        string.Concat(decoder.Decode(["▁Hi", "<0xE4>", "<0xBD>", "<0xA0>", "<0xFF>"])).Should().Be("Hi\uFFFD\uFFFD\uFFFD\uFFFD");
    }

    [Fact]
    public void Metaspace_decoder_drops_only_the_prepended_space()
    {
        var decoder = Decoders.Read(Parse("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"}"""), Json, "decoder")!;

        string.Concat(decoder.Decode(["▁Hello", "▁world"])).Should().Be("Hello world");
    }

    [Fact]
    public void Added_tokens_take_the_longest_match_and_their_strip_flags()
    {
        var splitter = new AddedTokenSplitter([
            new AddedToken(1, "<m>", true, LStrip: true, RStrip: true, SingleWord: false, Normalized: false),
            new AddedToken(2, "<m><m>", true, false, false, false, false),
            new AddedToken(3, "cat", false, false, false, SingleWord: true, Normalized: false),
        ]);

        Describe(splitter.Split("a <m> b<m><m>")).Should().Equal("a", "#1", "b", "#2");
        Describe(splitter.Split("concat cat")).Should().Equal("concat ", "#3");
    }

    [Fact]
    public void Byte_fallback_spells_unknown_characters_as_bytes()
    {
        var tokenizer = SentencePieceLike(byteFallback: true, fuseUnk: false);

        tokenizer.Encode("aé").Select(tokenizer.IdToToken).Should().Equal("▁", "a", "<0xC3>", "<0xA9>");
        tokenizer.Decode(tokenizer.Encode("aé")).Should().Be("aé");
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 3)]
    public void Unknown_characters_become_unk_fused_or_not(bool fuseUnk, int unknowns)
    {
        var tokenizer = SentencePieceLike(byteFallback: false, fuseUnk);

        tokenizer.Encode("a€€€").Count(id => id == 0).Should().Be(unknowns);
    }

    [Theory]
    [InlineData(false, "ab|c")]
    [InlineData(true, "abc")]
    public void Ignore_merges_takes_a_whole_word_from_the_vocabulary(bool ignoreMerges, string expected)
    {
        var json = $$$"""
            {"model": {"type": "BPE", "ignore_merges": {{{(ignoreMerges ? "true" : "false")}}},
              "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "abc": 4}, "merges": ["a b"]}}
            """;
        var tokenizer = Tokenizer.FromJson(json, "test.json");

        string.Join('|', tokenizer.Encode("abc").Select(tokenizer.IdToToken)).Should().Be(expected);
    }

    [Fact]
    public void Encoding_is_the_same_from_many_threads()
    {
        var tokenizer = Tokenizer.Load(RepoPaths.Fixture("tiny-qwen3"));
        var texts = Enumerable.Range(0, 200).Select(i => $"Thread {i}: the line is here, and there {i * 7919}.").ToArray();
        var serial = texts.Select(t => tokenizer.Encode(t).ToArray()).ToArray();

        var parallel = texts.AsParallel().AsOrdered().Select(t => tokenizer.Encode(t).ToArray()).ToArray();

        parallel.Should().BeEquivalentTo(serial, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("a", 200_000)]
    [InlineData(" ", 200_000)]
    [InlineData("\n", 100_000)]
    [InlineData("7", 100_000)]
    [InlineData("😀", 50_000)]
    public void Pathological_inputs_encode_in_linear_time(string unit, int repeats)
    {
        var tokenizer = Tokenizer.Load(RepoPaths.Fixture("tiny-qwen3"));
        var text = string.Concat(Enumerable.Repeat(unit, repeats));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var ids = tokenizer.Encode(text);

        // Not a speed test: a quadratic pass over 200k characters takes many minutes, a linear one well under a
        // second, so a bound this loose only catches the former, even on a machine whose cores are busy.
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
        tokenizer.Decode(ids).Should().Be(text);
    }

    private static Tokenizer SentencePieceLike(bool byteFallback, bool fuseUnk)
    {
        var json = $$$"""
            {"normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
             "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": {{{(byteFallback ? "true" : "false")}}}, "fuse_unk": {{{(fuseUnk ? "true" : "false")}}},
               "vocab": {"<unk>": 0, "▁": 1, "a": 2, "<0xC3>": 3, "<0xA9>": 4}, "merges": []}}
            """;
        return Tokenizer.FromJson(json, "test.json");
    }

    private static IEnumerable<string> Describe(List<Segment> segments) =>
        segments.Select(s => s.TokenId is { } id ? $"#{id}" : s.Text);

    private static List<string> PreTokenize(string json, string text, bool atStart = true)
    {
        var output = new List<string>();
        PreTokenizers.Read(Parse(json), Json, "pre_tokenizer")!.PreTokenize(text, atStart, output);
        return output;
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
