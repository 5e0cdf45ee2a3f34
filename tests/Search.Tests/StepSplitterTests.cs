using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class StepSplitterTests
{
    [Fact]
    public void Newline_steps_match_string_split_with_the_delimiter_kept()
    {
        var rng = new Random(5);
        const string chars = "ab\n=+ \n";
        for (int trial = 0; trial < 2000; trial++)
        {
            string text = new([.. Enumerable.Range(0, rng.Next(0, 30)).Select(_ => chars[rng.Next(chars.Length)])]);

            var (steps, remainder) = new DelimiterStepSplitter().Split(text);

            // Reference: split on '\n'; every part but the last was ended by a newline.
            var parts = text.Split('\n');
            steps.Should().Equal(parts[..^1].Select(p => p + "\n"));
            remainder.Should().Be(parts[^1]);
        }
    }

    [Fact]
    public void A_multi_character_delimiter_ends_steps_and_is_the_stop_string()
    {
        var splitter = new DelimiterStepSplitter("<step>");
        splitter.StopStrings.Should().Equal("<step>");
        var (steps, remainder) = splitter.Split("x=1<step>y=2<step>z");
        steps.Should().Equal("x=1<step>", "y=2<step>");
        remainder.Should().Be("z");
        splitter.NextStepEnd("x=1<step>y", 0).Should().Be(9);
        splitter.NextStepEnd("x=1<step>y", 9).Should().Be(-1);
    }

    [Fact]
    public void An_empty_delimiter_is_refused()
    {
        var act = () => new DelimiterStepSplitter("");
        act.Should().Throw<ArgumentException>();
    }
}
