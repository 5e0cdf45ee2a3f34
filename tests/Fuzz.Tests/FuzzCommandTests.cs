using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Fuzz.Tests;

/// <summary><c>reason fuzz</c> run in-process: its JSON report and its argument errors.</summary>
public sealed class FuzzCommandTests
{
    private static CliRun Reason(params string[] args) => InProcessCli.Run(Reasoning.Cli.Program.Main, args);

    [Fact]
    public void The_json_report_counts_every_case_once()
    {
        var run = Reason("fuzz", "--cases", "24", "--seed", "5", "--category", "apr-format", "countdown-trace", "model-files",
            "--fixture", RepoPaths.FixtureModel("tiny-llama"), "--json");

        run.ExitCode.Should().Be(0, run.Output);
        var report = JsonNode.Parse(run.Output)!;
        report["cases"]!.GetValue<int>().Should().Be(24);
        report["counts"]!.AsObject().Sum(c => c.Value!.GetValue<int>()).Should().Be(24);
        ((int)report["results"]! + (int)report["typed_errors"]! + (int)report["crashes"]! + (int)report["hangs"]! + (int)report["leaks"]!).Should().Be(24);
        report["counts"]!.AsObject().Select(c => c.Key.Split(' ')[0]).Distinct().Should().BeEquivalentTo(["apr-format", "countdown-trace", "model-files"]);
    }

    [Fact]
    public void A_case_reruns_alone_with_first()
    {
        string fixture = RepoPaths.FixtureModel("tiny-llama");
        var all = JsonNode.Parse(Reason("fuzz", "--cases", "6", "--seed", "9", "--category", "countdown-trace", "--fixture", fixture, "--json").Output)!;
        var alone = JsonNode.Parse(Reason("fuzz", "--cases", "1", "--first", "5", "--seed", "9", "--category", "countdown-trace", "--fixture", fixture, "--json").Output)!;
        alone["cases"]!.GetValue<int>().Should().Be(1);
        all["counts"]!.AsObject().Select(c => c.Key).Should().Contain(alone["counts"]!.AsObject().Single().Key);
    }

    [Theory]
    [InlineData("--cases", "0", "--cases is 0")]
    [InlineData("--timeout", "0", "--timeout is 0")]
    [InlineData("--category", "nope", "unknown --category 'nope'")]
    [InlineData("--first", "-1", "--first is -1")]
    public void Bad_arguments_are_one_error_line_and_exit_2(string option, string value, string message)
    {
        var run = Reason("fuzz", option, value, "--fixture", RepoPaths.FixtureModel("tiny-llama"));
        run.ExitCode.Should().Be(2);
        run.Output.Should().StartWith("error: ").And.Contain(message);
        run.Output.Trim().Split('\n').Should().HaveCount(1);
    }
}
