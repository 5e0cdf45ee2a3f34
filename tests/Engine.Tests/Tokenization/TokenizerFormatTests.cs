using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Malformed tokenizer files raise <see cref="TokenizerFormatException"/> naming the file and what was expected.</summary>
public sealed class TokenizerFormatTests
{
    private const string Source = "broken/tokenizer.json";

    private static string Bpe(string vocab = """{"a": 0, "b": 1, "ab": 2}""", string merges = """["a b"]""", string extra = "") =>
        $$"""{"model": {"type": "BPE", "vocab": {{vocab}}, "merges": {{merges}}}{{extra}}}""";

    private static void ShouldFail(string json, params string[] fragments)
    {
        var act = () => Tokenizer.FromJson(json, Source);
        var error = act.Should().Throw<TokenizerFormatException>().Which;
        error.FilePath.Should().Be(Source);
        error.Message.Should().StartWith(Source);
        foreach (var fragment in fragments)
            error.Message.Should().Contain(fragment);
    }

    [Fact]
    public void Text_that_is_not_json_is_rejected() => ShouldFail("{ not json", "not valid JSON");

    [Fact]
    public void A_file_without_a_model_is_rejected() => ShouldFail("""{"added_tokens": []}""", "\"model\"");

    [Fact]
    public void An_unknown_model_type_is_rejected() =>
        ShouldFail("""{"model": {"type": "Unigram", "vocab": []}}""", "model.type", "Unigram", "only BPE");

    [Fact]
    public void A_merge_naming_an_unknown_token_is_rejected() =>
        ShouldFail(Bpe(merges: """["a c"]"""), "model.merges[0]", "\"c\"", "not in model.vocab");

    [Fact]
    public void A_merge_whose_result_is_not_in_the_vocabulary_is_rejected() =>
        ShouldFail(Bpe(vocab: """{"a": 0, "b": 1}"""), "model.merges[0]", "\"ab\"");

    [Fact]
    public void A_merge_without_two_parts_is_rejected() =>
        ShouldFail(Bpe(merges: """["ab"]"""), "model.merges[0]", "two tokens");

    [Fact]
    public void Merges_written_as_pairs_are_accepted()
    {
        var tokenizer = Tokenizer.FromJson(Bpe(merges: """[["a", "b"]]"""), Source);

        tokenizer.Encode("ab").Should().Equal(2);
    }

    [Fact]
    public void A_vocabulary_entry_that_is_not_an_integer_is_rejected() =>
        ShouldFail(Bpe(vocab: """{"a": "zero"}""", merges: "[]"), "model.vocab[\"a\"]", "expected an integer");

    [Fact]
    public void An_invalid_split_regex_is_rejected() =>
        ShouldFail(Bpe(extra: """, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}"""),
            "pre_tokenizer.pattern.Regex", "(unclosed", "not valid");

    [Fact]
    public void An_unknown_split_behavior_is_rejected() =>
        ShouldFail(Bpe(extra: """, "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"}"""),
            "pre_tokenizer.behavior", "Sideways", "Isolated");

    [Fact]
    public void An_unknown_pre_tokenizer_is_rejected() =>
        ShouldFail(Bpe(extra: """, "pre_tokenizer": {"type": "BertPreTokenizer"}"""), "BertPreTokenizer", "supported");

    [Fact]
    public void An_unknown_normalizer_inside_a_sequence_is_rejected() =>
        ShouldFail(Bpe(extra: """, "normalizer": {"type": "Sequence", "normalizers": [{"type": "Strange"}]}"""),
            "normalizer.normalizers[0]", "Strange");

    [Fact]
    public void An_unknown_decoder_is_rejected() =>
        ShouldFail(Bpe(extra: """, "decoder": {"type": "WordPiece"}"""), "decoder", "WordPiece");

    [Fact]
    public void An_unknown_unk_token_is_rejected() =>
        ShouldFail("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": "<unk>"}}""", "model.unk_token", "<unk>");

    [Fact]
    public void An_added_token_without_content_is_rejected() =>
        ShouldFail(Bpe(extra: """, "added_tokens": [{"id": 5}]"""), "added_tokens[0]", "content");

    [Fact]
    public void A_template_naming_an_undefined_special_token_is_rejected() =>
        ShouldFail(Bpe(extra: """, "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}], "special_tokens": {}}"""),
            "post_processor.single[0]", "<s>");

    [Fact]
    public void An_added_token_that_is_not_an_object_is_rejected_from_the_file() =>
        ShouldFailInDirectory("tokenizer.json", Bpe(extra: """, "added_tokens": [{"id": 2, "content": "ab"}, -1]"""),
            "added_tokens[1]", "found the number -1");

    [Theory]
    [InlineData("2147483647")]
    [InlineData("-1")]
    public void A_vocabulary_id_out_of_range_is_rejected_from_the_file(string id) =>
        ShouldFailInDirectory("tokenizer.json", Bpe(vocab: $$"""{"a": 0, "b": 1, "ab": {{id}}}"""),
            "model.vocab[\"ab\"]", $"token id {id} is out of range", "re-download");

    [Fact]
    public void An_added_token_id_out_of_range_is_rejected() =>
        ShouldFail(Bpe(extra: """, "added_tokens": [{"id": 2147483647, "content": "<s>"}]"""),
            "added_tokens[0].id", "token id 2147483647 is out of range");

    [Fact]
    public void A_template_item_that_is_not_an_object_is_rejected() =>
        ShouldFail(Bpe(extra: """, "post_processor": {"type": "TemplateProcessing", "single": [7], "special_tokens": {}}"""),
            "post_processor.single[0]", "found the number 7");

    [Fact]
    public void A_pre_tokenizer_in_a_sequence_that_is_not_an_object_is_rejected() =>
        ShouldFail(Bpe(extra: """, "pre_tokenizer": {"type": "Sequence", "pretokenizers": ["ByteLevel"]}"""),
            "pre_tokenizer.pretokenizers[0]", "expected an object", "\"ByteLevel\"");

    [Fact]
    public void A_chat_template_entry_that_is_not_an_object_is_rejected() =>
        ShouldFailInDirectory("tokenizer_config.json", """{"chat_template": [5]}""", "tokenizer_config.json", "$.chat_template[]", "found the number 5");

    [Fact]
    public void A_negative_eos_id_in_generation_config_is_rejected() =>
        ShouldFailInDirectory("generation_config.json", """{"eos_token_id": [2, -1]}""", "generation_config.json", "$.eos_token_id[1]", "token id -1 is out of range");

    [Theory]
    [InlineData("tokenizer.json")]
    [InlineData("tokenizer_config.json")]
    public void A_file_that_is_not_utf8_is_rejected_with_the_offset(string file)
    {
        using var directory = new TempDirectory().With("tokenizer.json", Bpe()).With("tokenizer_config.json", "{}");
        var path = Path.Combine(directory.Path, file);
        // 0xFF never occurs in UTF-8: placed inside a vocabulary key or a string value, the JSON is otherwise well formed.
        var content = file == "tokenizer.json" ? Bpe(vocab: """{"a": 0, "b": 1, "ab": 2, "#": 3}""") : """{"bos_token": "#"}""";
        var hash = content.IndexOf('#');
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        bytes[hash] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var act = () => Tokenizer.Load(directory.Path);

        var error = act.Should().Throw<TokenizerFormatException>().Which;
        error.FilePath.Should().Be(path);
        error.Message.Should().Contain($"byte {hash} is not part of a UTF-8 character");
    }

    [Theory]
    [InlineData("""{"a": 0, "b": 1, "ab": 2, "\ud800": 3}""")]
    [InlineData("""{"a": 0, "b": 1, "ab": 2, "\udc00\ud800": 3}""")]
    public void Half_a_surrogate_pair_in_a_key_is_rejected_with_the_offset(string vocab)
    {
        var json = Bpe(vocab: vocab);
        ShouldFail(json, $"the escape at byte {json.IndexOf("\\ud", StringComparison.Ordinal)} is half of a UTF-16 surrogate pair");
    }

    [Fact]
    public void A_whole_surrogate_pair_and_an_escaped_backslash_are_accepted()
    {
        var tokenizer = Tokenizer.FromJson(Bpe(vocab: """{"a": 0, "b": 1, "ab": 2, "\ud83d\ude00": 3, "\\ud800": 4}"""), Source);

        tokenizer.TokenToId("\U0001F600").Should().Be(3);
        tokenizer.TokenToId("\\ud800").Should().Be(4);
    }

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="file"/> in a model directory whose other files are valid,
    /// loads the directory and checks the error names the damaged file and says what was wrong.
    /// </summary>
    private static void ShouldFailInDirectory(string file, string content, params string[] fragments)
    {
        using var directory = new TempDirectory().With("tokenizer.json", Bpe()).With(file, content);

        var act = () => Tokenizer.Load(directory.Path);

        var error = act.Should().Throw<TokenizerFormatException>().Which;
        error.FilePath.Should().Be(Path.Combine(directory.Path, file));
        foreach (var fragment in fragments)
            error.Message.Should().Contain(fragment);
    }

    [Fact]
    public void A_missing_path_is_rejected()
    {
        var act = () => Tokenizer.Load("/nonexistent/model");

        act.Should().Throw<TokenizerFormatException>().WithMessage("*/nonexistent/model*no such file or directory*");
    }

    [Fact]
    public void A_directory_without_tokenizer_json_is_rejected()
    {
        using var directory = new TempDirectory();

        var act = () => Tokenizer.Load(directory.Path);

        act.Should().Throw<TokenizerFormatException>().WithMessage("*has no tokenizer.json*");
    }

    [Fact]
    public void A_tokenizer_config_that_is_not_json_is_rejected_with_its_own_name()
    {
        using var directory = new TempDirectory().With("tokenizer.json", Bpe()).With("tokenizer_config.json", "[1, 2");

        var act = () => Tokenizer.Load(directory.Path);

        act.Should().Throw<TokenizerFormatException>().Which.FilePath.Should().EndWith("tokenizer_config.json");
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_is_an_invalid_request()
    {
        var tokenizer = Tokenizer.FromJson(Bpe(), Source);

        var act = () => tokenizer.Decode([0, 99]);

        act.Should().Throw<InvalidRequestException>().WithMessage("*99*not in the vocabulary*");
    }
}
