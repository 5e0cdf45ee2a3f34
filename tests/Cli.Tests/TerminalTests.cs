using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.Cli.Commands;
using Reasoning.Cli.Commands.Countdown;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>What the terminal shows: the live tree, the eval progress line, styling, and the verdict on unsolvable problems.</summary>
public sealed class TerminalTests
{
    [Fact]
    public void The_tree_shows_every_level_and_counts_tokens_as_they_arrive()
    {
        var view = new ThreadTreeView();
        view.Apply(new ThreadStarted(0, 0, null, "root"));
        view.Apply(new TokensGenerated(0, 1, "abc", 3));
        view.Apply(new ThreadStarted(1, 2, 0, "child 0"));
        view.Apply(new ThreadStarted(2, 2, 0, "child 1"));
        view.Apply(new ThreadsSpawned(0, 2, [1, 2]));
        view.Apply(new ThreadStarted(3, 3, 1, "grandchild"));
        view.Apply(new TokensGenerated(3, 4, "x", 5));     // counts run within a generation call: 5, then 7 in all
        view.Apply(new TokensGenerated(3, 5, "y", 7));
        view.Apply(new TokensGenerated(2, 5, "z", 4));
        view.Apply(new ThreadEnded(2, 6, ThreadStatus.Finished, "goal reached"));
        view.Apply(new ThreadsJoined(0, 7, [1, 2]));
        view.Apply(new TokensGenerated(0, 8, "d", 2));     // the root's second call after the join: 3 + 2
        view.Apply(new TokensGenerated(0, 9, "e", 6));     // 3 + 6

        view.Lines(styled: false).Should().Equal(
            "root running · 9 tokens",
            "├── child 0 waiting · 0 tokens",
            "│   └── grandchild running · 7 tokens",
            "└── child 1 finished · 4 tokens · goal reached");
    }

    [Fact]
    public void The_tree_keeps_to_the_screen_and_says_what_it_leaves_out()
    {
        var view = new ThreadTreeView();
        view.Apply(new ThreadStarted(0, 0, null, "root"));
        for (int i = 1; i <= 5; i++)
            view.Apply(new ThreadStarted(i, 0, 0, $"child {i}"));

        var lines = view.Lines(styled: false, width: 12, maxLines: 3);

        lines.Should().Equal("root waitin…", "├── child 1…", "… 4 more threads");
    }

    [Fact]
    public void Styled_lines_carry_colour_and_plain_ones_none()
    {
        var view = new ThreadTreeView();
        view.Apply(new ThreadStarted(0, 0, null, "root"));
        view.Apply(new TokensGenerated(0, 1, "a", 1));

        view.Lines(styled: true).Should().Equal("\u001b[33mroot running · 1 tokens\u001b[0m");
        view.Lines(styled: false).Single().Should().NotContain("\u001b");
    }

    [Fact]
    public void The_first_frame_starts_where_the_cursor_is_and_later_frames_redraw_over_the_last()
    {
        var output = new StringWriter();
        var frame = new LiveFrame(output);

        frame.Draw(["a", "b"]);
        string first = output.ToString();
        frame.Draw(["a", "b", "c"]);
        string second = output.ToString()[first.Length..];
        frame.Draw(["d"]);
        string third = output.ToString()[(first.Length + second.Length)..];

        first.Should().Be("\u001b[Ja\nb\n", "nothing moves the cursor up before the first frame, so the command line above stays");
        second.Should().Be("\u001b[2F\u001b[Ja\nb\nc\n");
        third.Should().Be("\u001b[3F\u001b[Jd\n");
    }

    [Theory]
    [InlineData(0, 20, 0, 0.0, null, "countdown apr  0/20 · accuracy - · 0 tokens/s · ETA -")]
    [InlineData(12, 20, 5, 312.4, 42.0, "countdown apr  12/20 · accuracy 41.7% · 312 tokens/s · ETA 0:00:42")]
    [InlineData(1, 300, 1, 99.6, 3723.0, "countdown apr  1/300 · accuracy 100.0% · 100 tokens/s · ETA 1:02:03")]
    public void The_progress_line_shows_done_of_all_accuracy_rate_and_time_left(int done, int total, int correct, double rate, double? etaSeconds, string expected)
    {
        EvalProgress.Format("countdown apr", done, total, correct, rate, etaSeconds is { } s ? TimeSpan.FromSeconds(s) : null).Should().Be(expected);
    }

    [Theory]
    [InlineData(false, null, false, true)]
    [InlineData(true, null, false, false)]
    [InlineData(false, "1", false, false)]
    [InlineData(false, "", false, true)]      // no-color.org: an empty NO_COLOR does not count
    [InlineData(false, null, true, false)]
    public void Style_needs_a_terminal_no_option_and_no_NO_COLOR(bool option, string? variable, bool redirected, bool styled)
    {
        Terminal.UseStyle(option, variable, redirected).Should().Be(styled);
    }

    [Fact]
    public void Piped_output_holds_no_colour_or_bold()
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--model", CliRunner.Fixture("tiny-qwen3"), "--context", "64");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("44, 19, 35, 73 → 98 (apr)").And.NotContain("\u001b");
        var withOption = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--model", CliRunner.Fixture("tiny-qwen3"), "--context", "64", "--no-color");
        withOption.ExitCode.Should().Be(0, withOption.Stderr);
        withOption.Stdout.Should().NotContain("\u001b");
    }

    private static CountdownSolveResult Result(bool verified, string text) =>
        new(verified, verified, verified ? ["1+2=3"] : null, verified ? null : "the trace states no solution", 10, 10, 1, 1, new JsonObject { ["text"] = text }) { Trace = text };

    [Fact]
    public void A_model_that_says_no_solution_is_right_only_when_there_is_none()
    {
        // 60,4,9,15 -> 24: none (ErrorConventionTests proves it by its own enumeration); 1,2,3,4 -> 10: 1+2+3+4.
        var unsolvable = new CountdownProblem([60, 4, 9, 15], 24);
        var solvable = new CountdownProblem([1, 2, 3, 4], 10);
        string none = "Current State: 24:[60, 4, 9, 15], Operations: []\nNo solution found.\n";

        SolveVerdict.Of(unsolvable, Result(false, none)).Should().Be(new SolveVerdict(false, true, true));
        SolveVerdict.Of(unsolvable, Result(false, "Current State: 24:[60, 4, 9, 15]")).Should().Be(new SolveVerdict(false, false, false));
        SolveVerdict.Of(solvable, Result(false, none)).Should().Be(new SolveVerdict(true, true, false));
        SolveVerdict.Of(new CountdownProblem([60, 4, 9, 15, 7, 3], 24), Result(false, none)).Solvable.Should().BeNull("six numbers are not searched exhaustively");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cancelled_solve_ends_with_code_130()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        int code = await Task.Run(() => Program.Run(["countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--model", CliRunner.Fixture("tiny-qwen3"),
            "--context", "64", "--json"], cancelled.Token));

        code.Should().Be(130);
    }
}
