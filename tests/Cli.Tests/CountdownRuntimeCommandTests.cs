using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>solve and eval on a fixture model (random weights: its traces never verify, but the contract must hold).</summary>
public sealed class CountdownRuntimeCommandTests
{
    [Fact]
    public void Solve_prints_the_documented_json_object()
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--model", CliRunner.Fixture("tiny-qwen3"),
            "--context", "96", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        root.GetProperty("verified").GetBoolean().Should().BeFalse();
        root.GetProperty("usage").GetProperty("total_tokens").GetInt64().Should().BePositive();
        root.GetProperty("usage").GetProperty("threads").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        root.GetProperty("tree").GetProperty("text").GetString().Should().StartWith("Moving to Node #0\nCurrent State: 98:[44, 19, 35, 73]");
        root.GetProperty("elapsed_ms").GetDouble().Should().BePositive();
    }

    [Fact]
    public void Eval_resume_does_only_the_problems_not_yet_recorded()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reason-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string problems = Path.Combine(dir, "p.jsonl"), results = Path.Combine(dir, "r.jsonl");
            File.WriteAllText(problems, "{\"numbers\":[44,19,35,73],\"target\":98}\n{\"numbers\":[1,2,3,4],\"target\":10}\n{\"numbers\":[5,6,7,8],\"target\":26}\n");
            string[] common = ["eval", "countdown", "--problems", problems, "--strategy", "sos", "--model", CliRunner.Fixture("tiny-qwen3"),
                "--context", "64", "--out", results, "--json"];

            var first = CliRunner.Run([.. common, "--count", "2"]);
            first.ExitCode.Should().Be(0, first.Stderr);
            File.AppendAllText(results, "{\"index\":2,\"tor");   // killed while writing the third record

            var resumed = CliRunner.Run([.. common, "--resume"]);

            resumed.ExitCode.Should().Be(0, resumed.Stderr);
            var indices = File.ReadAllLines(results).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("index").GetInt32()).ToList();
            indices.Should().Equal(0, 1, 2);
            using var summary = JsonDocument.Parse(resumed.Stdout);
            summary.RootElement.GetProperty("problems").GetInt32().Should().Be(3);
            summary.RootElement.GetProperty("accuracy").GetDouble().Should().Be(0);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("apr")]
    [InlineData("sos")]
    public void Solve_runs_the_shipped_model_of_the_strategy_by_default(string strategy)
    {
        // No --model: the program finds models/countdown-apr (or -sos) above itself, as the README's first command does.
        var result = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--strategy", strategy,
            "--context", "200", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        string prefix = strategy == "apr" ? "Moving to Node #0\n" : "";
        root.GetProperty("tree").GetProperty("text").GetString().Should().MatchRegex($"^{prefix}Current State: 98:\\[44, 19, 35, 73\\], Operations: \\[\\]");
        root.GetProperty("usage").GetProperty("total_tokens").GetInt64().Should().BeInRange(1, 200 * 64);
    }

    [Fact]
    public void An_unknown_strategy_is_a_clear_error()
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "1,2,3,4", "--target", "10", "--strategy", "beam", "--model", CliRunner.Fixture("tiny-qwen3"));
        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("unknown strategy 'beam'");
    }
}
