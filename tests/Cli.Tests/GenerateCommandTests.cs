using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

public sealed class GenerateCommandTests
{
    [Theory]
    [InlineData("tiny-llama", "f32")]
    [InlineData("tiny-qwen2", "f32")]
    [InlineData("tiny-qwen3", "f32")]
    [InlineData("tiny-llama", "bf16")]
    [InlineData("tiny-qwen2", "bf16")]
    [InlineData("tiny-qwen3", "bf16")]
    public void Greedy_json_output_matches_the_reference_ids_of_each_fixture(string fixture, string kvDType)
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(CliRunner.Fixture(fixture), "reference.json")));
        var prompt = reference.RootElement.GetProperty("prompts")[1];

        var result = CliRunner.Run("generate", "--model", CliRunner.Fixture(fixture), "--prompt", prompt.GetProperty("text").GetString()!,
            "--max-tokens", "16", "--ignore-eos", "--top-logprobs", "3", "--kv-dtype", kvDType, "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        root.GetProperty("prompt_ids").EnumerateArray().Select(x => x.GetInt32())
            .Should().Equal(prompt.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()));
        var tokens = root.GetProperty("tokens").EnumerateArray().ToList();
        tokens.Select(t => t.GetProperty("id").GetInt32())
            .Should().Equal(prompt.GetProperty("greedy").GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()));
        tokens.Should().OnlyContain(t => t.GetProperty("top_logprobs").GetArrayLength() == 3 && t.GetProperty("logprob").GetDouble() <= 0);
        root.GetProperty("finish_reason").GetString().Should().Be("length");
        root.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(16);
        root.GetProperty("timings").GetProperty("prefill_ms").GetDouble().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public void Generate_runs_on_a_random_weight_shape_model_through_its_byte_level_tokenizer()
    {
        // What `reason bench --shape` writes: random bf16 weights and a byte-level tokenizer.json.
        string dir = Directory.CreateTempSubdirectory("reasoning-shape-").FullName;
        try
        {
            Reasoning.Engine.Diagnostics.RandomModelWriter.Write(dir, Reasoning.Engine.Diagnostics.ModelShapes.Get("tiny"));
            var result = CliRunner.Run("generate", "--model", dir, "--prompt", "héllo 7", "--max-tokens", "8", "--ignore-eos", "--json");

            result.ExitCode.Should().Be(0, result.Stderr);
            using var doc = JsonDocument.Parse(result.Stdout);
            doc.RootElement.GetProperty("prompt_ids").EnumerateArray().Select(x => x.GetInt32())
                .Should().Equal(System.Text.Encoding.UTF8.GetBytes("héllo 7").Select(b => (int)b));
            doc.RootElement.GetProperty("tokens").GetArrayLength().Should().Be(8);
            doc.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(8);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_kv_dtype_is_a_clear_error()
    {
        var result = CliRunner.Run("generate", "--model", CliRunner.Fixture("tiny-llama"), "--prompt", "Once", "--kv-dtype", "fp8");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("--kv-dtype 'fp8'").And.Contain("f32 or bf16");
    }

    [Fact]
    public void Many_continuations_in_a_small_kv_pool_all_finish()
    {
        // 200 children of 2 + 130 tokens (2 pages of 128 each) in 20 pages: they take turns and all finish (#24: this
        // sat idle until killed).
        var result = CliRunner.Run("generate", "--model", CliRunner.Fixture("tiny-qwen3"), "--prompt", "hi", "--max-tokens", "130",
            "--temperature", "1", "--n", "200", "--ignore-eos", "--kv-memory", "2560KiB", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var choices = doc.RootElement.GetProperty("choices").EnumerateArray().ToList();
        choices.Should().HaveCount(200);
        choices.Should().OnlyContain(c => c.GetProperty("tokens").GetArrayLength() == 130);
    }

    [Fact]
    public void N_continuations_share_one_prompt_and_differ_by_seed()
    {
        var result = CliRunner.Run("generate", "--model", CliRunner.Fixture("tiny-qwen3"), "--prompt", "Once", "--max-tokens", "8",
            "--temperature", "1", "--n", "4", "--ignore-eos", "--json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        var choices = doc.RootElement.GetProperty("choices").EnumerateArray().ToList();
        choices.Should().HaveCount(4);
        choices.Select(c => string.Join(",", c.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32())))
            .Distinct().Count().Should().BeGreaterThan(1);
    }

    [Fact]
    public void A_prompt_longer_than_the_context_window_is_a_clear_error()
    {
        var result = CliRunner.Run("generate", "--model", CliRunner.Fixture("tiny-llama"), "--prompt", new string('x', 3000), "--max-tokens", "2");

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("context window").And.Contain("shorten the prompt");
    }

    [Fact]
    public void A_malformed_tokenizer_is_a_clear_error_naming_the_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), "reason-badtok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var f in Directory.GetFiles(CliRunner.Fixture("tiny-llama")))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{\"model\": {\"type\": \"BPE\"");

            var result = CliRunner.Run("generate", "--model", dir, "--prompt", "hi");

            result.ExitCode.Should().Be(2);
            result.Stderr.Should().Contain("tokenizer.json");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
