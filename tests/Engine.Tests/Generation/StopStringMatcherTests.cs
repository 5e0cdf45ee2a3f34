using FluentAssertions;
using Reasoning.Engine.Generation;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

public sealed class StopStringMatcherTests
{
    [Fact]
    public void A_stop_string_split_across_pieces_is_never_shown_and_cuts_the_text()
    {
        var m = new StopStringMatcher(["</answer>"]);
        var shown = string.Concat(new[] { "The result is 4", "2</ans", "wer> and more" }.Select(m.Push)) + m.Flush();

        m.Stopped.Should().BeTrue();
        shown.Should().Be("The result is 42");
        m.Text.Should().Be("The result is 42");
    }

    [Fact]
    public void Text_that_only_looks_like_the_start_of_a_stop_string_is_released_at_the_end()
    {
        var m = new StopStringMatcher(["STOP"]);
        var shown = m.Push("abc ST") + m.Push("OR") + m.Flush();

        m.Stopped.Should().BeFalse();
        shown.Should().Be("abc STOR");
    }

    [Fact]
    public void The_earliest_of_several_stop_strings_wins()
    {
        var m = new StopStringMatcher(["\n\n", "END"]);
        string shown = m.Push("one END two\n\n");
        shown.Should().Be("one ");
    }

    [Fact]
    public void Without_stop_strings_everything_passes_through_immediately()
    {
        var m = new StopStringMatcher([]);
        m.Push("héllo").Should().Be("héllo");
        m.Flush().Should().BeEmpty();
    }
}
