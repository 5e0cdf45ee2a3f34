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
    public void Bench_decode_reports_a_positive_rate_as_json()
    {
        var result = CliRunner.Run("bench", "decode", "--model", CliRunner.Fixture("tiny-qwen2"), "--tokens", "8", "--runs", "1", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        doc.RootElement.GetProperty("decode_tokens_per_s").GetDouble().Should().BePositive();
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
