using FluentAssertions;
using Reasoning.Training.Data;
using Reasoning.Training.Model;
using Reasoning.Training.Optim;
using Reasoning.Training.Tests.Support;
using Xunit;

namespace Reasoning.Training.Tests.Training;

public sealed class DataTests
{
    [Fact]
    public void Jsonl_examples_are_prompt_completion_and_eos_with_the_loss_on_the_completion()
    {
        using var dir = new TempDirectory();
        var loaded = JsonlDataset.Load(TinyData.WriteJsonl(dir.Path), new ByteTextEncoder(), maxTokens: 12);
        loaded.TooLong.Should().Be(2);   // "Reach 24: 4*6" (14 ids) and "Node #0 Goal Reached" (21 ids) with EOS
        var first = loaded.Examples[0];
        first.Tokens.Should().Equal([.. "12+7=19"u8.ToArray().Select(b => (int)b), 256]);
        first.FirstTarget.Should().Be(5);
        var batch = PackedBatch.Pack([(first.Tokens, first.FirstTarget)], 1f);
        batch.Weights.Should().Equal(0f, 0f, 0f, 0f, 1f, 1f, 1f);   // predictions of '1', '9', EOS
    }

    [Fact]
    public void A_malformed_line_names_the_file_and_line()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "bad.jsonl");
        File.WriteAllLines(path, ["{\"prompt\":\"a\",\"completion\":\"b\"}", "{\"prompt\":1}"]);
        var act = () => JsonlDataset.Load(path, new ByteTextEncoder(), 100);
        act.Should().Throw<TrainingException>().WithMessage("*bad.jsonl:2*");
    }

    [Fact]
    public void The_sampler_visits_every_example_once_per_epoch_and_restarts_from_its_cursor()
    {
        var examples = TinyData.Examples();
        var sampler = new BatchSampler(examples, 3);
        var seen = new List<TrainingExample>();
        while (sampler.Cursor.Epoch == 0)
            seen.AddRange(sampler.Next(10));
        seen.Should().BeEquivalentTo(examples, o => o.WithStrictOrdering().Excluding(e => e.Tokens).ComparingByMembers<TrainingExample>().WithoutStrictOrdering());
        seen.Distinct().Should().HaveCount(examples.Count);

        var cursor = sampler.Cursor;
        var next = sampler.Next(20);
        var again = new BatchSampler(examples, 3) { Cursor = cursor }.Next(20);
        again.Should().Equal(next);
    }

    [Fact]
    public void The_schedule_warms_up_linearly_then_decays_by_cosine_to_its_floor()
    {
        var s = new LearningRateSchedule(1.0, 10, 110, 0.1);
        s.At(0).Should().BeApproximately(0.1, 1e-12);
        s.At(9).Should().BeApproximately(1.0, 1e-12);
        s.At(60).Should().BeApproximately(0.55, 1e-12);
        s.At(110).Should().BeApproximately(0.1, 1e-12);
    }

    [Fact]
    public void Clipping_scales_the_gradient_to_the_limit()
    {
        var g = new float[] { 3f, 4f };
        GradientClipping.Clip(g, 1.0).Should().BeApproximately(5.0, 1e-9);
        g[0].Should().BeApproximately(0.6f, 1e-5f);
        g[1].Should().BeApproximately(0.8f, 1e-5f);
    }
}
