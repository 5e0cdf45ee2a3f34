using System.Text;
using FluentAssertions;
using Reasoning.Engine.Diagnostics;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>
/// The byte-level tokenizer.json written beside random-weight models: every text is its UTF-8 bytes (the reference is
/// <see cref="Encoding.UTF8"/>, not the tokenizer), ids decode back, special tokens are matched whole.
/// </summary>
public sealed class ByteLevelTokenizerFileTests
{
    public static TheoryData<string> Texts => new()
    {
        "Hello, world!",
        "  leading and trailing   whitespace runs\t\t\n\n\n",
        "héllo wörld — ñ",
        "日本語のテキスト 中文 한국어",
        "emoji 😀👍🏽 and a family 👨‍👩‍👧",
        "def f(x):\n    return x ** 2  # code\r\n",
        "3.14159 1e-9 -42 0x1F",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Every_text_encodes_to_its_utf8_bytes_and_decodes_back(string text)
    {
        using var dir = new TempDirectory();
        ByteLevelTokenizerFile.Write(Path.Combine(dir.Path, "tokenizer.json"), [300, 301]);
        var tokenizer = Tokenizer.Load(dir.Path);

        var expected = Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray();
        tokenizer.Encode(text).Should().Equal(expected);
        tokenizer.Decode(expected).Should().Be(text);
    }

    [Fact]
    public void Special_tokens_are_matched_whole_and_skipped_on_request()
    {
        using var dir = new TempDirectory();
        ByteLevelTokenizerFile.Write(Path.Combine(dir.Path, "tokenizer.json"), [151643, 151645]);
        var tokenizer = Tokenizer.Load(dir.Path);
        string eos = ByteLevelTokenizerFile.SpecialTokenContent(151645);

        tokenizer.Encode("ab" + eos).Should().Equal('a', 'b', 151645);
        tokenizer.IsSpecial(151645).Should().BeTrue();
        tokenizer.Decode([(int)'o', (int)'k', 151643], skipSpecialTokens: true).Should().Be("ok");
    }

    [Fact]
    public void Filler_ids_decode_to_distinct_words_and_text_never_encodes_to_them()
    {
        using var dir = new TempDirectory();
        ByteLevelTokenizerFile.Write(Path.Combine(dir.Path, "tokenizer.json"), [300], vocabSize: 1000);
        var tokenizer = Tokenizer.Load(dir.Path);

        // Bijective base 26: a..z, aa..zz (26 + 676 = 702 words), then aaa.
        tokenizer.Decode([256, 281, 282, 957, 958]).Should().Be(" a z aa zz aaa");
        tokenizer.IdToToken(300).Should().Be(ByteLevelTokenizerFile.SpecialTokenContent(300));
        Enumerable.Range(256, 744).Where(id => id != 300).Select(id => tokenizer.Decode([id])).Distinct().Should().HaveCount(743);
        tokenizer.Encode(" a z aa").Should().Equal(Encoding.UTF8.GetBytes(" a z aa").Select(b => (int)b));
    }

    [Fact]
    public void A_special_id_among_the_bytes_is_refused()
    {
        using var dir = new TempDirectory();
        var write = () => ByteLevelTokenizerFile.Write(Path.Combine(dir.Path, "tokenizer.json"), [255]);

        write.Should().Throw<ArgumentException>().WithMessage("*256 or more*");
        File.Exists(Path.Combine(dir.Path, "tokenizer.json")).Should().BeFalse();
    }

    [Fact]
    public void A_random_model_folder_carries_a_tokenizer_with_the_models_end_of_sequence_ids()
    {
        using var dir = new TempDirectory();
        var config = ModelShapes.Get("tiny");
        RandomModelWriter.Write(dir.Path, config);

        var tokenizer = Tokenizer.Load(dir.Path);
        foreach (var eos in config.EosTokenIds)
            tokenizer.IsSpecial(eos).Should().BeTrue();
        tokenizer.Encode("2+2=4").Should().Equal(Encoding.UTF8.GetBytes("2+2=4").Select(b => (int)b));
        using var model = TransformerModel.Load(dir.Path);
        model.Config.VocabSize.Should().Be(config.VocabSize);
    }
}
