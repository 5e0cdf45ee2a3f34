using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

public sealed class ScoreCommandTests
{
    [Fact]
    public void Json_scores_match_the_reference_log_softmax_of_a_fixture()
    {
        string dir = CliRunner.Fixture("tiny-qwen3");
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "reference.json")));
        var prompt = reference.RootElement.GetProperty("prompts")[1];
        var ids = prompt.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
        var logits = prompt.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        int k = ids.Length / 2;

        var result = CliRunner.Run("score", "--model", dir, "--prompt-ids", string.Join(',', ids[..k]),
            "--continuation-ids", string.Join(',', ids[k..]), "--top-logprobs", "2", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var tokens = doc.RootElement.GetProperty("tokens").EnumerateArray().ToList();
        tokens.Select(t => t.GetProperty("id").GetInt32()).Should().Equal(ids[k..]);
        double sum = 0;
        for (int t = k; t < ids.Length; t++)
        {
            var row = logits[t - 1];
            double max = row.Max();
            double expected = row[ids[t]] - (max + Math.Log(row.Sum(x => Math.Exp(x - max))));
            tokens[t - k].GetProperty("logprob").GetDouble().Should().BeApproximately(expected, 1e-3);
            tokens[t - k].GetProperty("top_logprobs").GetArrayLength().Should().Be(2);
            tokens[t - k].GetProperty("text").GetString().Should().NotBeNull();
            sum += expected;
        }
        doc.RootElement.GetProperty("sum_logprob").GetDouble().Should().BeApproximately(sum, 1e-3 * ids.Length);
    }

    [Theory]
    [InlineData("--continuation-ids", "4,5")]
    [InlineData("--prompt-ids", "1,x", "--continuation-ids", "4")]
    [InlineData("--prompt-ids", "1,2", "--continuation", "ab", "--continuation-ids", "4")]
    [InlineData("--prompt-ids", "1,2", "--continuation-ids", "99999")]
    public void Bad_input_is_one_error_line_and_exit_2(params string[] args)
    {
        var result = CliRunner.Run(["score", "--model", CliRunner.Fixture("tiny-qwen2"), .. args, "--json"]);
        result.ExitCode.Should().Be(2, result.Stdout + result.Stderr);
        result.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("error:");
        result.Stdout.Should().BeEmpty();
    }
}
