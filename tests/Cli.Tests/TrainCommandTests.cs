using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary><c>reason train</c> end to end on a tiny byte-level model: a run, a warm start from its export, refusals.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "reason-train-" + Guid.NewGuid().ToString("N"));

    public TrainCommandTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "shape.json"), """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32, "intermediate_size": 64,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 257,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true}
            """);
        File.WriteAllLines(Path.Combine(_dir, "data.jsonl"), Enumerable.Range(0, 12).Select(i =>
            $$"""{"prompt": "{{i}} + {{i}} =", "completion": " {{2 * i}}"}"""));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    private CliRunner.Result Train(params string[] extra) =>
        CliRunner.Run(["train", "--data", P("data.jsonl"), "--tokenizer", "bytes", "--batch-tokens", "64", "--micro-batch-tokens", "64",
            "--lr", "1e-2", "--warmup", "1", .. extra]);

    [Fact]
    public void A_run_exports_a_model_and_a_second_run_starts_from_its_weights()
    {
        var first = Train("--config", P("shape.json"), "--out", P("run1"), "--steps", "30");
        first.ExitCode.Should().Be(0, first.Stderr);
        File.Exists(P("run1/model/model.safetensors")).Should().BeTrue();
        File.ReadAllLines(P("run1/train_log.jsonl")).Should().HaveCount(30);
        File.Exists(P("run1/loss.svg")).Should().BeTrue();

        // No --config: the model folder's own config is the shape.
        var warm = Train("--init-from", P("run1/model"), "--out", P("run2"), "--steps", "2");
        warm.ExitCode.Should().Be(0, warm.Stderr);
        warm.Stderr.Should().Contain("initialized from");
        double LastLoss(string log) => System.Text.Json.JsonDocument.Parse(File.ReadAllLines(log)[^1]).RootElement.GetProperty("loss").GetDouble();
        double FirstLoss(string log) => System.Text.Json.JsonDocument.Parse(File.ReadAllLines(log)[0]).RootElement.GetProperty("loss").GetDouble();
        // It begins where the first run ended, far below where the first run began.
        FirstLoss(P("run2/train_log.jsonl")).Should().BeLessThan(FirstLoss(P("run1/train_log.jsonl")) - 1.0);
        FirstLoss(P("run2/train_log.jsonl")).Should().BeLessThan(LastLoss(P("run1/train_log.jsonl")) + 0.5);
    }

    [Fact]
    public void Resume_and_init_from_together_are_refused_with_a_reason()
    {
        var result = Train("--resume", P("nowhere"), "--init-from", P("nowhere"), "--out", P("run"));
        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("exclude each other");
        Directory.Exists(P("run")).Should().BeFalse();
    }

    [Fact]
    public void A_warm_start_from_a_folder_without_a_model_is_refused_with_a_reason()
    {
        Directory.CreateDirectory(P("empty"));
        var result = Train("--init-from", P("empty"), "--config", P("shape.json"), "--out", P("run"));
        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("config.json and model.safetensors");
    }

    [Fact]
    public void A_config_that_differs_from_the_warm_start_model_is_refused()
    {
        var first = Train("--config", P("shape.json"), "--out", P("run1"), "--steps", "1");
        first.ExitCode.Should().Be(0, first.Stderr);
        File.WriteAllText(P("other.json"), File.ReadAllText(P("shape.json")).Replace("\"hidden_size\": 32", "\"hidden_size\": 64"));
        var result = Train("--init-from", P("run1/model"), "--config", P("other.json"), "--out", P("run2"), "--steps", "1");
        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain("does not describe the model");
    }
}
