using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>
/// Oniguruma patterns behave the same on .NET, and the managed NFC/NFD agree with Python's unicodedata
/// (the expected strings below were printed by <c>unicodedata.normalize</c>).
/// </summary>
public sealed class RegexAndNormalizationTests
{
    [Theory]
    [InlineData(@"[^\r\n\p{L}\p{N}]?+\p{L}+", @"(?>[^\r\n\p{L}\p{N}]?)\p{L}+")]
    [InlineData(@"a++b", @"(?>a+)b")]
    [InlineData(@"(ab)*+c", @"(?>(ab)*)c")]
    [InlineData(@"\p{N}{1,3}", @"\p{N}{1,3}")]
    [InlineData(@"a{2}+", @"(?:a{2})+")]
    [InlineData(@"a+?b", @"a+?b")]
    [InlineData(@"\x{1F600}", @"\uD83D\uDE00")]
    [InlineData(@"(?i:'s|'t)|\s+(?!\S)", @"(?i:'s|'t)|\s+(?!\S)")]
    public void Oniguruma_syntax_is_translated_to_dotnet(string oniguruma, string dotnet) =>
        OnigRegex.Translate(oniguruma).Should().Be(dotnet);

    [Fact]
    public void Possessive_quantifiers_do_not_give_back_what_they_took()
    {
        Matches(@"a?+a", "a").Should().BeEmpty("the possessive a?+ keeps the only 'a'");
        Matches(@"a?a", "a").Should().Equal((0, 1));
    }

    [Fact]
    public void Letters_and_digits_outside_the_basic_plane_count_as_letters_and_digits()
    {
        Matches(@"\p{L}+", "x𝐀y").Should().Equal((0, 4));
        Matches(@"\p{N}", "𝟎𝟏").Should().Equal((0, 2), (2, 2));
        Matches(@"[^\s\p{L}\p{N}]+", "a😀b").Should().Equal((1, 2));
    }

    [Fact]
    public void An_invalid_pattern_is_a_format_error_naming_the_field()
    {
        var act = () => OnigRegex.Create("[abc", "tok.json", "pre_tokenizer.pattern.Regex");

        act.Should().Throw<Reasoning.Engine.Errors.TokenizerFormatException>().WithMessage("tok.json: pre_tokenizer.pattern.Regex*");
    }

    [Theory]
    [InlineData("e\u0301", "\u00e9", "e\u0301")]
    [InlineData("\u1e0b\u0323", "\u1e0d\u0307", "d\u0323\u0307")]
    [InlineData("\u1100\u1161\u11a8", "\uac01", "\u1100\u1161\u11a8")]
    [InlineData("a\u0328\u0301", "\u0105\u0301", "a\u0328\u0301")]
    [InlineData("A\u030a\u0301", "\u01fa", "A\u030a\u0301")]
    [InlineData("\u212b", "\u00c5", "A\u030a")]
    [InlineData("q\u0307\u0323", "q\u0323\u0307", "q\u0323\u0307")]
    [InlineData("plain ascii", "plain ascii", "plain ascii")]
    public void Canonical_normalization_matches_python_unicodedata(string input, string nfc, string nfd)
    {
        UnicodeNormalization.Nfc(input).Should().Be(nfc);
        UnicodeNormalization.Nfd(input).Should().Be(nfd);
    }

    private static List<(int Start, int Length)> Matches(string pattern, string text)
    {
        var matches = new List<(int Start, int Length)>();
        OnigRegex.Create(pattern, "test", "pattern").Matches(text, matches);
        return matches;
    }
}
