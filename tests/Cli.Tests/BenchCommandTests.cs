using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public void Bench_fork_reports_that_forking_allocates_no_kv_for_the_prefix()
    {
        var result = CliRunner.Run("bench", "fork", "--model", CliRunner.Fixture("tiny-llama"), "--prompt-tokens", "200", "--children", "16", "--runs", "2", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("kv_bytes_allocated_by_fork").GetInt64().Should().Be(0);
        doc.RootElement.GetProperty("prefix_kv_bytes").GetInt64().Should().Be(200L * 2 * 2 * 2 * 16 * 4);
    }

    [Fact]
    public void Bench_fork_wait_reports_the_step_time_and_the_fork_and_create_waits_as_json()
    {
        var result = CliRunner.Run("bench", "fork-wait", "--model", CliRunner.Fixture("tiny-llama"), "--batch", "4", "--samples", "5", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        root.GetProperty("batch").GetInt32().Should().Be(4);
        root.GetProperty("step_ms_median").GetDouble().Should().BePositive();
        root.GetProperty("fork_us_median").GetDouble().Should().BePositive();
        root.GetProperty("fork_us_max").GetDouble().Should().BeGreaterThanOrEqualTo(root.GetProperty("fork_us_median").GetDouble());
        root.GetProperty("create_sequence_us_median").GetDouble().Should().BePositive();
    }

    [Fact]
    public void Bench_fork_wait_refuses_a_bad_batch_with_one_error_line()
    {
        var result = CliRunner.Run("bench", "fork-wait", "--model", CliRunner.Fixture("tiny-llama"), "--batch", "0");

        result.ExitCode.Should().Be(2);
        result.Stderr.Trim().Should().StartWith("error:").And.Contain("--batch");
    }

    [Fact]
    public void Bench_decode_reports_a_positive_rate_as_json()
    {
        var result = CliRunner.Run("bench", "decode", "--model", CliRunner.Fixture("tiny-qwen2"), "--tokens", "8", "--runs", "1", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("decode_tokens_per_s").GetDouble().Should().BePositive();
    }

    [Fact]
    public void Bench_batch_reports_each_size_with_its_step_time_and_its_ratio_to_batch_one()
    {
        var result = CliRunner.Run("bench", "batch", "--model", CliRunner.Fixture("tiny-qwen3"), "--batch", "4,1", "--tokens", "6",
            "--prompt-tokens", "20", "--runs", "1", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var rows = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("batch").GetInt32()).Should().Equal(4, 1);   // batch 1 need not come first
        double one = rows[1].GetProperty("tokens_per_s").GetDouble();
        one.Should().BePositive();
        foreach (var row in rows)
        {
            int size = row.GetProperty("batch").GetInt32();
            double rate = row.GetProperty("tokens_per_s").GetDouble();
            // A step advances every sequence by one token: batch / rate seconds, whatever the rate.
            row.GetProperty("step_ms").GetDouble().Should().BeApproximately(1000.0 * size / rate, 0.01);
            row.GetProperty("vs_batch_1").GetDouble().Should().BeApproximately(rate / one, 0.001);
            row.GetProperty("step_vs_batch_1").GetDouble().Should().BeApproximately(size * one / rate, 0.001);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4,x")]
    [InlineData("-1")]
    [InlineData("5000")]
    [InlineData(",")]
    public void A_bad_batch_list_is_a_clear_error_before_any_model_loads(string sizes)
    {
        // --shape would write a 1 GB random model first; the list must be refused before that.
        var result = CliRunner.Run("bench", "batch", "--shape", "qwen2.5-0.5b", "--batch", sizes);

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("--batch").And.Contain("e.g. 1,4,16");
    }

    [Fact]
    public void Bench_decode_runs_with_the_page_size_and_kv_type_it_is_given()
    {
        var result = CliRunner.Run("bench", "decode", "--model", CliRunner.Fixture("tiny-qwen3"), "--tokens", "8", "--runs", "1",
            "--page-size", "8", "--kv-dtype", "bf16", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("page_size").GetInt32().Should().Be(8);
        doc.RootElement.GetProperty("kv_dtype").GetString().Should().Be("bf16");
        doc.RootElement.GetProperty("kernels").GetString().Should().Be(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "vector512" : "vector256");
    }

    [Fact]
    public void A_page_size_of_zero_is_a_clear_error()
    {
        var result = CliRunner.Run("bench", "decode", "--model", CliRunner.Fixture("tiny-qwen3"), "--page-size", "0");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("--page-size 0 is invalid");
    }

    [Fact]
    public void An_unknown_shape_is_a_clear_error_with_exit_code_2()
    {
        var result = CliRunner.Run("bench", "decode", "--shape", "gpt-17");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("unknown model shape 'gpt-17'").And.Contain("qwen2.5-0.5b");
    }

    [Fact]
    public void A_truncated_model_file_is_a_clear_error_naming_the_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reason-truncated-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string source = CliRunner.Fixture("tiny-llama");
            File.Copy(Path.Combine(source, "config.json"), Path.Combine(dir, "config.json"));
            var bytes = File.ReadAllBytes(Path.Combine(source, "model.safetensors"));
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), bytes[..(bytes.Length / 2)]);

            var result = CliRunner.Run("bench", "decode", "--model", dir, "--tokens", "2", "--runs", "1");

            result.ExitCode.Should().Be(2);
            result.Stderr.Should().Contain("model.safetensors").And.Contain("truncated");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
