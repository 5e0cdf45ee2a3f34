using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Search.Prm;
using Xunit;

namespace Reasoning.Search.Tests.Prm;

/// <summary>Qwen2.5-Math-PRM on a random Qwen2ForProcessRewardModel, against the scalar reference forward.</summary>
public sealed class QwenMathPrmTests : IDisposable
{
    private readonly PrmModelFolders _folders = new();

    internal static readonly EngineOptions Small = new() { KvMemoryBytes = 4 << 20, PageSize = 16, PrefillChunk = 32 };

    private static readonly PartialSolution[] Solutions =
    [
        new("What is 2 + 3?", ["2 + 3 = 5.", "The answer is \\boxed{5}."]),
        new("Compute 7 * 6.", ["7 * 6 = 42."]),
        new("What is 2 + 3?", ["2 + 3 = 6.", "So 6.", "The answer is \\boxed{6}."]),
    ];

    // The model card's prompt written out by hand: ChatML with the card's system prompt, each step then <extra_0>.
    private static string CardPrompt(PartialSolution s) =>
        "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
        + $"<|im_start|>user\n{s.Prompt}<|im_end|>\n"
        + $"<|im_start|>assistant\n{string.Concat(s.Steps.Select(step => step + "<extra_0>"))}<|im_end|>\n";

    [Fact(Timeout = 120_000)]
    public async Task Step_scores_match_the_scalar_reference_and_release_every_page()
    {
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        prm.Format.Should().Be(PrmFormat.QwenMathPrm);
        int free = prm.Engine.Pool.FreeCount;

        var scores = await prm.ScoreStepsAsync(Solutions);

        prm.Engine.Pool.FreeCount.Should().Be(free);
        var spread = ShouldMatchReference(dir, Solutions, scores);
        // The scores differ across steps by 100 times the tolerance or more, so reading a wrong position would fail.
        (spread.Max() - spread.Min()).Should().BeGreaterThan(1e-3, string.Join(" ", spread));
    }

    [Fact(Timeout = 120_000)]
    public async Task Children_of_one_state_read_their_shared_steps_once_and_match_the_reference()
    {
        // The shape A* scores: one parent's steps, then each child's new step; the parent itself lies wholly inside
        // the shared prefix.
        PartialSolution[] children =
        [
            new("What is 2 + 3?", ["2 + 3 = 5.", "The answer is \\boxed{5}."]),
            new("What is 2 + 3?", ["2 + 3 = 5.", "So it is 6."]),
            new("What is 2 + 3?", ["2 + 3 = 5."]),
        ];
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        var scores = await prm.ScoreStepsAsync(children);
        prm.Engine.Pool.FreeCount.Should().Be(prm.Engine.Pool.PageCount);
        ShouldMatchReference(dir, children, scores);
        scores[2][0].Should().Be(scores[0][0], "the shared step is read once, in the parent");
    }

    private static List<double> ShouldMatchReference(string dir, IReadOnlyList<PartialSolution> solutions, IReadOnlyList<IReadOnlyList<double>> scores)
    {
        var tokenizer = Tokenizer.Load(dir);
        using var reference = new ReferenceForward(dir);
        var all = new List<double>();
        for (int s = 0; s < solutions.Count; s++)
        {
            var ids = tokenizer.Encode(CardPrompt(solutions[s])).ToArray();
            var tags = Enumerable.Range(0, ids.Length).Where(i => ids[i] == PrmModelFolders.ExtraId).ToList();
            tags.Should().HaveCount(solutions[s].Steps.Count);
            var hidden = reference.Hidden(ids);
            scores[s].Should().HaveCount(tags.Count);
            for (int k = 0; k < tags.Count; k++)
            {
                var logits = reference.ScoreLogits(hidden[tags[k]]);
                double expected = Math.Exp(logits[1]) / (Math.Exp(logits[0]) + Math.Exp(logits[1]));
                scores[s][k].Should().BeApproximately(expected, 1e-5, $"solution {s}, step {k}");
                all.Add(expected);
            }
        }
        return all;
    }

    [Fact(Timeout = 120_000)]
    public async Task Rendering_follows_the_model_card_and_scores_do_not_depend_on_the_batch()
    {
        string dir = _folders.QwenPrm();
        using var model = TransformerModel.Load(dir);
        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 4 << 20, PageSize = 16, PrefillChunk = 7 });
        var prm = new QwenMathPrm(engine, Tokenizer.Load(dir));
        foreach (var s in Solutions)
            prm.Render(s).Should().Be(CardPrompt(s));

        var together = await prm.ScoreStepsAsync(Solutions);
        for (int s = 0; s < Solutions.Length; s++)
        {
            var alone = await prm.ScoreStepsAsync([Solutions[s]]);
            alone[0].Should().Equal(together[s], "a solution's scores are bitwise the same alone and in a batch");
        }
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancelled_scoring_releases_every_page_wherever_it_stops()
    {
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        var many = Enumerable.Range(0, 8).Select(i => new PartialSolution($"Problem {i}: what is {i} + {i}?",
            [.. Enumerable.Range(0, 6).Select(k => $"Step {k}: {i} + {k} = {i + k}.")])).ToList();
        int cancelled = 0;
        for (int delay = 0; delay < 6; delay++)
        {
            using var cts = new CancellationTokenSource();
            var scoring = prm.ScoreStepsAsync(many, cts.Token);
            if (delay == 0)
                cts.Cancel();
            else
                cts.CancelAfter(delay);
            try
            {
                (await scoring).Should().HaveCount(many.Count);
            }
            catch (OperationCanceledException)
            {
                cancelled++;
            }
            prm.Engine.Pool.FreeCount.Should().Be(prm.Engine.Pool.PageCount, $"after a cancellation at {delay} ms");
        }
        cancelled.Should().BeGreaterThan(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_solution_without_steps_scores_nothing_and_runs_no_step()
    {
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        long steps = prm.Engine.Steps;
        var scores = await prm.ScoreStepsAsync([new PartialSolution("What is 1 + 1?", [])]);
        scores.Should().ContainSingle().Which.Should().BeEmpty();
        prm.Engine.Steps.Should().Be(steps);
    }

    [Fact]
    public void A_checkpoint_without_its_score_head_is_a_model_format_error_naming_the_tensor()
    {
        string dir = _folders.QwenPrm();
        PrmModelFolders.RewriteWeights(dir, tensors => tensors.Where(t => t.Name != "score.2.bias"));
        var act = () => ProcessRewardModels.Load(dir, options: Small);
        act.Should().Throw<ModelFormatException>().Where(e => e.TensorName == "score.2.bias")
            .WithMessage("*score head*score.0.weight, score.0.bias, score.2.weight, score.2.bias*");
    }

    [Fact]
    public void A_misshaped_score_head_is_a_model_format_error_naming_the_shapes()
    {
        string dir = _folders.QwenPrm();
        PrmModelFolders.RewriteWeights(dir, tensors => tensors.Select(t => t.Name == "score.2.weight"
            ? t with { Shape = [3, 32], Data = new byte[3 * 32 * 4] }
            : t));
        var act = () => ProcessRewardModels.Load(dir, options: Small);
        act.Should().Throw<ModelFormatException>().Where(e => e.TensorName == "score.2.weight").WithMessage("*[3, 32]*[2, 32]*");
    }

    [Fact]
    public void A_tokenizer_without_the_step_tag_is_refused()
    {
        string dir = _folders.QwenPrm(extraToken: false);
        var act = () => ProcessRewardModels.Load(dir, options: Small);
        act.Should().Throw<InvalidRequestException>().WithMessage("*'<extra_0>'*");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_holding_the_tag_itself_is_refused_and_releases_every_page()
    {
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        var act = () => prm.ScoreStepsAsync([Solutions[0], new PartialSolution("q", ["a<extra_0>b"])]);
        (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage("solution 1: *2 step-tag tokens*for 1 steps*");
        prm.Engine.Pool.FreeCount.Should().Be(prm.Engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task More_steps_than_the_context_holds_are_refused_and_release_every_page()
    {
        string dir = _folders.QwenPrm(context: 192);
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        var steps = Enumerable.Range(1, 40).Select(i => $"step {i}").ToList();
        var act = () => prm.ScoreStepsAsync([Solutions[1], new PartialSolution("q", steps)]);
        (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage("solution 1: its 40 steps render to * tokens, more than the PRM's context window of 192*");
        prm.Engine.Pool.FreeCount.Should().Be(prm.Engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_engine_refuses_to_generate_from_a_score_head_model()
    {
        string dir = _folders.QwenPrm();
        using var prm = ProcessRewardModels.Load(dir, options: Small);
        using var sequence = prm.Engine.CreateSequence();
        var act = () => sequence.GenerateToEndAsync([1, 2, 3], new Engine.Sampling.SamplingOptions { MaxTokens = 4 });
        (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage("*score head*cannot generate or score tokens*ReadOutputsAsync*");
        var score = () => sequence.ScoreAsync([4, 5]);
        await score.Should().ThrowAsync<InvalidRequestException>();
    }

    public void Dispose() => _folders.Dispose();
}
