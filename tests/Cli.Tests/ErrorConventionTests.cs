using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>
/// One error convention (issue #24): every invalid argument, parse errors included, prints one `error:` line that says
/// what was wrong and what to do, never the whole help or a stack trace, and exits 2; the ranges agree across commands.
/// </summary>
public sealed class ErrorConventionTests
{
    private static void OneErrorLine(CliRunner.Result result, params string[] phrases)
    {
        result.ExitCode.Should().Be(2, result.Stdout + result.Stderr);
        result.Stdout.Should().BeEmpty("the help is not printed on an error");
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(result.Stderr).Which.Should().StartWith("error: ");
        foreach (var phrase in phrases)
            lines[0].Should().Contain(phrase);
    }

    [Theory]
    [InlineData("--target", "abc", "'abc'")]
    [InlineData("--seed", "-1", "--seed")]
    [InlineData("--temperature", "warm", "'warm'")]
    public void A_parse_error_is_one_line_with_a_usage_hint(string option, string value, string phrase)
    {
        string[] args = ["countdown", "solve", "--numbers", "1,2,3,4", "--target", "10", "--model", CliRunner.Fixture("tiny-qwen3")];
        if (option == "--target")
            args[Array.IndexOf(args, "--target") + 1] = value;
        else
            args = [.. args, option, value];

        var result = CliRunner.Run(args);

        OneErrorLine(result, phrase, "See 'reason countdown solve --help'.");
    }

    [Fact]
    public void A_missing_required_option_is_one_line_with_a_usage_hint()
    {
        var result = CliRunner.Run("eval", "countdown", "--problems", "p.jsonl");

        OneErrorLine(result, "--out", "See 'reason eval countdown --help'.");
    }

    [Theory]
    [InlineData("--count 0 leaves nothing to measure", "countdown", "stats", "--count", "0", "--json")]
    [InlineData("--out is empty", "countdown", "generate", "--count", "2", "--out", "")]
    [InlineData("--threads -1 is negative", "bench", "kernels", "--threads", "-1")]
    [InlineData("'a' is not a row count", "bench", "kernels", "--rows", "a")]
    [InlineData("'0' is not a row count", "bench", "kernels", "--rows", "1,0")]
    public void Fuzz_findings_are_one_error_line(string phrase, params string[] args) =>
        OneErrorLine(CliRunner.Run(args), phrase);

    [Theory]
    [InlineData("20")]
    [InlineData("1")]
    [InlineData("7")]
    public void Generate_refuses_a_number_count_outside_the_common_range(string numbers)
    {
        string output = Path.Combine(Path.GetTempPath(), "reason-gen-" + Guid.NewGuid().ToString("N") + ".jsonl");

        var result = CliRunner.Run("countdown", "generate", "--count", "3", "--numbers", numbers, "--out", output);

        OneErrorLine(result, $"--numbers {numbers} is outside 2-6");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public void Stats_refuses_the_same_number_counts()
    {
        var result = CliRunner.Run("countdown", "stats", "--count", "2", "--numbers", "20");

        OneErrorLine(result, "--numbers 20 is outside 2-6");
    }

    [Theory]
    [InlineData("1,2,3,4,5,6,7", "has 7 numbers")]
    [InlineData("5", "has 1 numbers")]
    [InlineData("1,2,x", "whole numbers from 1")]
    public void Solve_takes_the_same_number_range_as_generate(string numbers, string phrase)
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", numbers, "--target", "10", "--model", CliRunner.Fixture("tiny-qwen3"));

        OneErrorLine(result, phrase, "2 to 6");
    }

    [Fact]
    public void Generate_draws_six_numbers_the_top_of_the_range()
    {
        string output = Path.Combine(Path.GetTempPath(), "reason-gen-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var result = CliRunner.Run("countdown", "generate", "--count", "2", "--numbers", "6", "--out", output);

            result.ExitCode.Should().Be(0, result.Stderr);
            File.ReadAllLines(output).Should().HaveCount(2).And.OnlyContain(l => JsonDocument.Parse(l, default).RootElement.GetProperty("numbers").GetArrayLength() == 6);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100000")]
    public void Solve_refuses_a_context_outside_the_models_window(string context)
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "1,2,3,4", "--target", "10", "--model", CliRunner.Fixture("tiny-qwen3"), "--context", context);

        OneErrorLine(result, $"--context {context} is outside 32-2048 tokens");
    }

    [Fact]
    public void Inputs_outside_the_training_range_run_with_one_warning()
    {
        var result = CliRunner.Run("countdown", "solve", "--numbers", "1000,2,3,4", "--target", "100000", "--model", CliRunner.Fixture("tiny-qwen3"),
            "--context", "64", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().StartWith("warning: ").And.Contain("training range (4 numbers of 1-99 and a target of 10-100)");
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt64().Should().BePositive();
    }

    [Fact]
    public void Threads_above_the_cores_are_capped_with_one_warning()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reason-threads-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string problems = Path.Combine(dir, "p.jsonl"), results = Path.Combine(dir, "r.jsonl");
            File.WriteAllText(problems, "{\"numbers\":[44,19,35,73],\"target\":98}\n");
            int asked = Environment.ProcessorCount * 8;

            var result = CliRunner.Run("eval", "countdown", "--problems", problems, "--strategy", "sos", "--model", CliRunner.Fixture("tiny-qwen3"),
                "--context", "64", "--threads", asked.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", results, "--json");

            result.ExitCode.Should().Be(0, result.Stderr);
            result.Stderr.Trim().Should().Be($"warning: --threads {asked} is more than this machine's {Environment.ProcessorCount} cores; using {Environment.ProcessorCount} "
                + "(the engine's threads wait for each other every step, so extra ones only slow it).");
            var record = JsonDocument.Parse(File.ReadLines(results).Skip(1).First()).RootElement;
            record.GetProperty("engine_threads").GetInt32().Should().Be(Environment.ProcessorCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_unsolvable_problem_that_the_model_says_has_no_solution_is_right()
    {
        // 60,4,9,15 -> 24 has no solution: this test's own enumeration (below) proves it, independently of the CLI's.
        HasSolution([60, 4, 9, 15], 24).Should().BeFalse();

        var result = CliRunner.Run("countdown", "solve", "--numbers", "60,4,9,15", "--target", "24", "--strategy", "sos", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        var root = JsonDocument.Parse(result.Stdout).RootElement;
        root.GetProperty("solvable").GetBoolean().Should().BeFalse();
        string text = root.GetProperty("tree").GetProperty("text").GetString()!;
        bool saysNone = text.TrimEnd().EndsWith("No solution found.", StringComparison.Ordinal);
        saysNone.Should().BeTrue("the shipped SoS+ model, greedy, ends this search with 'No solution found.'");
        root.GetProperty("correct").GetBoolean().Should().BeTrue();
        root.GetProperty("verified").GetBoolean().Should().BeFalse();

        var plain = CliRunner.Run("countdown", "solve", "--numbers", "60,4,9,15", "--target", "24", "--strategy", "sos");
        plain.Stdout.Should().Contain("right: the problem has no solution").And.NotContain("not verified");
    }

    private static bool HasSolution(List<long> numbers, long target)
    {
        if (numbers.Count == 1)
            return numbers[0] == target;
        for (int i = 0; i < numbers.Count; i++)
            for (int j = 0; j < numbers.Count; j++)
            {
                if (i == j)
                    continue;
                var rest = numbers.Where((_, k) => k != i && k != j).ToList();
                long a = numbers[i], b = numbers[j];
                var values = new List<long> { a + b, a * b };
                if (a >= b)
                    values.Add(a - b);
                if (b != 0 && a % b == 0)
                    values.Add(a / b);
                if (values.Any(v => HasSolution([.. rest, v], target)))
                    return true;
            }
        return false;
    }
}
