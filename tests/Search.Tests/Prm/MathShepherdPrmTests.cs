using System.Text;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Search.Prm;
using Xunit;

namespace Reasoning.Search.Tests.Prm;

/// <summary>The Math-Shepherd format on a random causal LM, against the scalar reference forward.</summary>
public sealed class MathShepherdPrmTests : IDisposable
{
    private readonly PrmModelFolders _folders = new();

    private static readonly PartialSolution[] Solutions =
    [
        new("Janet has 16 eggs and eats 3. How many are left?", ["Step 1: 16 - 3 = 13.", "Step 2: The answer is 13."]),
        new("What is 2 + 3?", ["Step 1: 2 + 3 = 6."]),
        new("What is 2 + 3?", ["Step 1: 2 + 3 = 5.", "Step 2: 5 + 0 = 5.", "Step 3: The answer is 5."]),
    ];

    // The reference code's input: "{question} {step 1} ки\n{step 2} ки…".
    private static string ReferenceInput(PartialSolution s) =>
        s.Prompt + " " + string.Join("\n", s.Steps.Select(step => step + " ки"));

    // The byte-level fixture tokenizer gives each byte its own id, so the tag's last token is the last UTF-8 byte of
    // "ки", and "+" and "-" are their ASCII codes.
    private static readonly int TagId = Encoding.UTF8.GetBytes("ки")[^1];

    [Theory(Timeout = 120_000)]
    [InlineData(Architecture.Llama)]
    [InlineData(Architecture.Qwen2)]
    public async Task Step_scores_match_the_scalar_reference_and_release_every_page(Architecture architecture)
    {
        string dir = _folders.CausalLm(architecture);
        using var prm = ProcessRewardModels.Load(dir, options: QwenMathPrmTests.Small);
        prm.Format.Should().Be(PrmFormat.MathShepherd);
        int free = prm.Engine.Pool.FreeCount;

        var scores = await prm.ScoreStepsAsync(Solutions);

        prm.Engine.Pool.FreeCount.Should().Be(free);
        var tokenizer = Tokenizer.Load(dir);
        using var reference = new ReferenceForward(dir);
        var all = new List<double>();
        for (int s = 0; s < Solutions.Length; s++)
        {
            var ids = tokenizer.Encode(ReferenceInput(Solutions[s])).ToArray();
            var tags = Enumerable.Range(0, ids.Length).Where(i => ids[i] == TagId).ToList();
            tags.Should().HaveCount(Solutions[s].Steps.Count);
            var hidden = reference.Hidden(ids);
            scores[s].Should().HaveCount(tags.Count);
            for (int k = 0; k < tags.Count; k++)
            {
                var logits = reference.LmLogits(hidden[tags[k]]);
                double plus = logits['+'], minus = logits['-'];
                double expected = Math.Exp(plus) / (Math.Exp(plus) + Math.Exp(minus));
                scores[s][k].Should().BeApproximately(expected, 1e-5, $"solution {s}, step {k}");
                all.Add(expected);
            }
        }
        (all.Max() - all.Min()).Should().BeGreaterThan(1e-3);
    }

    [Fact]
    public void Token_ids_and_rendering_follow_the_reference_code()
    {
        string dir = _folders.CausalLm();
        using var model = TransformerModel.Load(dir);
        using var engine = new InferenceEngine(model, QwenMathPrmTests.Small);
        var prm = new MathShepherdPrm(engine, Tokenizer.Load(dir));
        prm.StepTagId.Should().Be(TagId);
        prm.GoodTokenId.Should().Be('+');
        prm.BadTokenId.Should().Be('-');
        prm.Render(Solutions[0]).Should().Be("Janet has 16 eggs and eats 3. How many are left? Step 1: 16 - 3 = 13. ки\nStep 2: The answer is 13. ки");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_holding_the_tag_is_refused_and_releases_every_page()
    {
        string dir = _folders.CausalLm();
        using var prm = ProcessRewardModels.Load(dir, options: QwenMathPrmTests.Small);
        var act = () => prm.ScoreStepsAsync([Solutions[1], new PartialSolution("Что и как?", ["Step 1: ok."])]);
        (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage("solution 1: *step-tag tokens*for 1 steps*");
        prm.Engine.Pool.FreeCount.Should().Be(prm.Engine.Pool.PageCount);
    }

    [Fact]
    public void A_score_head_model_is_not_read_as_math_shepherd()
    {
        string prmDir = _folders.QwenPrm();
        var act = () => ProcessRewardModels.Load(prmDir, PrmFormat.MathShepherd, QwenMathPrmTests.Small);
        act.Should().Throw<InvalidRequestException>().WithMessage("*Qwen2ForProcessRewardModel*reads as QwenMathPrm, not MathShepherd*");
        string lmDir = _folders.CausalLm();
        var asQwen = () => ProcessRewardModels.Load(lmDir, PrmFormat.QwenMathPrm, QwenMathPrmTests.Small);
        asQwen.Should().Throw<InvalidRequestException>().WithMessage("*causal language model*reads as MathShepherd, not QwenMathPrm*");
    }

    [Fact]
    public void An_unsupported_architecture_is_a_model_format_error()
    {
        string dir = _folders.CausalLm();
        File.WriteAllText(Path.Combine(dir, "config.json"), File.ReadAllText(Path.Combine(dir, "config.json")).Replace("LlamaForCausalLM", "GPT2LMHeadModel"));
        var act = () => ProcessRewardModels.Load(dir, options: QwenMathPrmTests.Small);
        act.Should().Throw<ModelFormatException>().WithMessage("*GPT2LMHeadModel is not supported*Qwen2ForProcessRewardModel*");
    }

    public void Dispose() => _folders.Dispose();
}
