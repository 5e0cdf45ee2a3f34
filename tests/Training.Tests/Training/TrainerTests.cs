using FluentAssertions;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.Training.Data;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Training;

public sealed class TrainerTests
{
    private static readonly TrainingOptions Small = new()
    {
        Steps = 300, BatchTokens = 64, MicroBatchTokens = 32, LearningRate = 1e-2, WarmupSteps = 20,
        AdamW = new(WeightDecay: 0f), Seed = 5, InitStd = 0.1f,
    };

    private static ModelConfig Config(bool tied = false) => TinyModels.Llama(hidden: 32, layers: 2, heads: 4, kvHeads: 2, inter: 64, vocab: 257, tied: tied) with { MaxPositionEmbeddings = 64 };

    [Fact]
    public void A_tiny_dataset_is_overfit_to_near_zero_loss()
    {
        var trainer = Trainer.Create(Config(), TinyData.Examples(), Small);
        double first = trainer.Step().Loss, last = first;
        while (trainer.State.Step < Small.Steps)
            last = trainer.Step().Loss;
        first.Should().BeGreaterThan(3.0);
        last.Should().BeLessThan(0.05);
    }

    [Fact]
    public void Training_in_two_halves_with_a_resume_gives_bitwise_identical_weights()
    {
        using var dir = new TempDirectory();
        var options = Small with { Steps = 12, BatchTokens = 40, MicroBatchTokens = 20 };
        var straight = Trainer.Create(Config(), TinyData.Examples(), options);
        for (int i = 0; i < 12; i++)
            straight.Step();

        var first = Trainer.Create(Config(), TinyData.Examples(), options);
        for (int i = 0; i < 6; i++)
            first.Step();
        first.SaveCheckpoint(Path.Combine(dir.Path, "ckpt"));
        var resumed = Trainer.Resume(Path.Combine(dir.Path, "ckpt"), TinyData.Examples(), options);
        resumed.State.Step.Should().Be(6);
        for (int i = 0; i < 6; i++)
            resumed.Step();

        resumed.Weights.Should().Equal(straight.Weights);
        resumed.State.Should().BeEquivalentTo(straight.State, o => o.Excluding(s => s.ElapsedSeconds));
    }

    [Fact]
    public void Accumulating_micro_batches_gives_the_whole_batchs_update()
    {
        var options = Small with { Steps = 4, BatchTokens = 60, WarmupSteps = 1 };
        var whole = Trainer.Create(Config(), TinyData.Examples(), options with { MicroBatchTokens = 60 });
        var split = Trainer.Create(Config(), TinyData.Examples(), options with { MicroBatchTokens = 12 });
        double lossWhole = whole.Step().Loss, lossSplit = split.Step().Loss;
        lossSplit.Should().BeApproximately(lossWhole, 1e-5);
        double worst = whole.Weights.Zip(split.Weights, (a, b) => (double)Math.Abs(a - b)).Max();
        worst.Should().BeLessThan(1e-5);
    }

    [Fact]
    public void A_bf16_export_loads_in_the_engine_with_close_logits()
    {
        using var dir = new TempDirectory();
        var trainer = Trainer.Create(Config(), TinyData.Examples(), Small with { Steps = 2 });
        trainer.Step();
        trainer.Export(dir.Path, 256, null, TensorDType.BF16);
        int[] ids = new ByteTextEncoder().Encode("3*4=12").ToArray();
        var expected = trainer.Logits(ids);
        using var model = TransformerModel.Load(dir.Path);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 8, 16);
        using var kv = new KvSequence(pool);
        var actual = pass.Step([new BatchRow(kv, ids, AllLogits: true)])[0];
        actual.Zip(expected, (a, e) => (double)Math.Abs(a - e)).Max().Should().BeLessThan(5e-2);
    }

    [Fact]
    public void A_warm_start_from_an_f32_export_begins_at_the_exported_weights_with_a_fresh_schedule()
    {
        using var dir = new TempDirectory();
        var trained = Trainer.Create(Config(tied: true), TinyData.Examples(), Small with { Steps = 8 });
        for (int i = 0; i < 8; i++)
            trained.Step();
        trained.Export(dir.Path, 256, null);

        var warm = Trainer.FromModel(dir.Path, TinyData.Examples(), Small with { Steps = 5, Seed = 9 });
        warm.Weights.Should().Equal(trained.Weights);
        warm.State.Step.Should().Be(0);
        warm.State.InitializedFrom.Should().Be(Path.GetFullPath(dir.Path));
        warm.Layout.Config.TieWordEmbeddings.Should().BeTrue();
        // Its first update is a fresh AdamW step at the new schedule's first rate, so the loss it starts from is the
        // exported model's loss, far below a fresh initialization's.
        double warmLoss = warm.Step().Loss;
        double freshLoss = Trainer.Create(Config(tied: true), TinyData.Examples(), Small with { Steps = 5, Seed = 9 }).Step().Loss;
        warmLoss.Should().BeLessThan(freshLoss);
    }

    [Fact]
    public void A_warm_start_from_a_folder_without_weights_is_refused_with_a_reason()
    {
        using var dir = new TempDirectory();
        var act = () => Trainer.FromModel(dir.Path, TinyData.Examples(), Small);
        act.Should().Throw<TrainingException>().WithMessage("*config.json and model.safetensors*");
    }

    [Fact]
    public void Resuming_on_a_different_data_set_is_refused()
    {
        using var dir = new TempDirectory();
        var trainer = Trainer.Create(Config(), TinyData.Examples(), Small with { Steps = 2 });
        trainer.Step();
        trainer.SaveCheckpoint(Path.Combine(dir.Path, "ckpt"));
        var act = () => Trainer.Resume(Path.Combine(dir.Path, "ckpt"), TinyData.Examples().Take(5).ToList(), Small);
        act.Should().Throw<TrainingException>().WithMessage("*8 usable examples*5*");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_exported_model_gives_the_engine_the_trainers_own_logits(bool tied)
    {
        using var dir = new TempDirectory();
        var trainer = Trainer.Create(Config(tied), TinyData.Examples(), Small with { Steps = 3 });
        for (int i = 0; i < 3; i++)
            trainer.Step();
        string tokenizer = Path.Combine(dir.Path, "tokenizer.json");
        File.WriteAllText(tokenizer, "{}");
        string export = Path.Combine(dir.Path, "model");
        trainer.Export(export, eosId: 256, tokenizer);

        File.Exists(Path.Combine(export, "tokenizer.json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(export, "generation_config.json")).Should().Contain("\"eos_token_id\": 256");
        File.ReadAllText(Path.Combine(export, "config.json")).Should().Contain("LlamaForCausalLM");
        int[] ids = new ByteTextEncoder().Encode("Node #0,1 Goal").ToArray();
        var expected = trainer.Logits(ids);
        using var model = TransformerModel.Load(export);
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 8, 16);
        using var kv = new KvSequence(pool);
        var actual = pass.Step([new BatchRow(kv, ids, AllLogits: true)])[0];
        actual.Length.Should().Be(expected.Length);
        double worst = actual.Zip(expected, (a, e) => (double)Math.Abs(a - e)).Max();
        worst.Should().BeLessThan(1e-4);
        using var store = WeightStore.Open(export);
        store.Contains("lm_head.weight").Should().Be(!tied);
        store.Contains("model.layers.1.mlp.down_proj.weight").Should().BeTrue();
    }

    [Fact(Timeout = 300_000)]   // a whole training run with checkpoints: minutes on a loaded machine
    public async Task A_run_writes_a_log_a_plot_a_checkpoint_and_an_export_and_resumes_where_it_stopped()
    {
        using var dir = new TempDirectory();
        var options = Small with { Steps = 6 };
        using (var cts = new CancellationTokenSource())
        {
            var trainer = Trainer.Create(Config(), TinyData.Examples(), options);
            var progress = new SynchronousProgress(r => { if (r.Step == 4) cts.Cancel(); });
            var summary = await TrainingRun.RunAsync(trainer, new RunSettings(dir.Path, 256, null, CheckpointEvery: 2), progress, cts.Token);
            summary.Completed.Should().BeFalse();
            summary.Steps.Should().Be(4);
        }
        var resumed = Trainer.Resume(Path.Combine(dir.Path, "checkpoint"), TinyData.Examples(), options);
        var done = await TrainingRun.RunAsync(resumed, new RunSettings(dir.Path, 256, null));
        done.Completed.Should().BeTrue();
        File.ReadAllLines(Path.Combine(dir.Path, TrainingRun.LogFile)).Should().HaveCount(6);
        File.ReadAllText(Path.Combine(dir.Path, "loss.svg")).Should().StartWith("<svg").And.Contain("polyline");
        File.Exists(Path.Combine(done.ModelDirectory!, "model.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void A_qwen_config_is_refused_with_a_reason()
    {
        var act = () => Trainer.Create(Config() with { Architecture = Architecture.Qwen3 }, TinyData.Examples(), Small);
        act.Should().Throw<TrainingException>().WithMessage("*Llama*q/k-norm*");
    }

    private sealed class SynchronousProgress(Action<StepReport> onReport) : IProgress<StepReport>
    {
        public void Report(StepReport value) => onReport(value);
    }
}
