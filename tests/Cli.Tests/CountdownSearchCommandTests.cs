using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>The step-level search strategies through <c>countdown solve</c> and <c>eval countdown</c>.</summary>
public sealed class CountdownSearchCommandTests
{
    [Fact]
    public void Astar_without_a_model_searches_the_sos_models_lines_within_its_token_budget()
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--strategy", "astar",
            "--budget-tokens", "300", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        var usage = root.GetProperty("usage");
        usage.GetProperty("total_tokens").GetInt64().Should().BeInRange(1, 300);
        usage.GetProperty("prm_calls").GetInt32().Should().BePositive();
        var tree = root.GetProperty("tree");
        tree.GetProperty("method").GetString().Should().Be("astar@4");
        tree.GetProperty("prompt").GetString().Should().Be("Current State: 98:[44, 19, 35, 73], Operations: []", "a search runs the SoS+ model on its prompt");
        var nodes = tree.GetProperty("nodes").EnumerateArray().ToList();
        nodes.Count.Should().BeGreaterThan(4, "one expansion samples four children");
        nodes.Sum(n => n.GetProperty("tokens").GetInt32()).Should().Be((int)usage.GetProperty("total_tokens").GetInt64());
        nodes.Skip(1).Should().OnlyContain(n => n.GetProperty("score").ValueKind == JsonValueKind.Number, "every state the search made was scored");
    }

    [Theory]
    [InlineData("--prm", "oracle", "--prm 'oracle' is not a process reward model")]
    [InlineData("--budget-tokens", "0", "--budget-tokens 0 must be at least 1")]
    [InlineData("--budget-prm", "0", "--budget-prm 0 must be at least 1")]
    [InlineData("--children", "0", "--children 0 must be from 1 to 64")]
    public void Bad_search_options_are_clear_errors(string option, string value, string message)
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "44,19,35,73", "--target", "98", "--strategy", "astar", option, value);
        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain(message);
    }

    [Fact]
    public void Eval_records_of_a_search_carry_tokens_reward_calls_and_the_verdict()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reason-search-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string problems = Path.Combine(dir, "p.jsonl"), results = Path.Combine(dir, "r.jsonl");
            File.WriteAllText(problems, "{\"numbers\":[44,19,35,73],\"target\":98}\n");
            var run = CliRunner.Run("eval", "countdown", "--problems", problems, "--strategy", "bon@2", "--budget-tokens", "200",
                "--out", results, "--json");

            run.ExitCode.Should().Be(0, run.Stderr);
            var lines = File.ReadAllLines(results);
            var settings = JsonDocument.Parse(lines[0]).RootElement.GetProperty("settings");
            settings.GetProperty("strategy").GetString().Should().Be("bon@2");
            settings.GetProperty("prm").GetString().Should().Be("verifier");
            settings.GetProperty("budget_tokens").GetInt64().Should().Be(200);
            var record = JsonDocument.Parse(lines[1]).RootElement;
            record.GetProperty("total_tokens").GetInt64().Should().BeInRange(1, 200);
            record.GetProperty("prm_calls").GetInt32().Should().BeInRange(1, 2, "best-of-2 scores its two final states once");
            record.GetProperty("stop_reason").GetString().Should().NotBeNullOrEmpty();
            record.TryGetProperty("correct", out _).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
