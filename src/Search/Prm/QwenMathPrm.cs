using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Search.Prm;

/// <summary>
/// Qwen2.5-Math-PRM (<c>Qwen2ForProcessRewardModel</c>) on the engine, in its model card's format: a ChatML
/// conversation with the system prompt <see cref="SystemPrompt"/>, the problem as the user turn and the steps as the
/// assistant turn, each step followed by <see cref="StepTag"/> (no generation prompt). A step's score is the softmax over
/// the score head's two label logits at its tag, taking label 1 (the step is correct).
/// </summary>
public sealed class QwenMathPrm : IProcessRewardModel
{
    /// <summary>The system prompt of the model card.</summary>
    public const string SystemPrompt = "Please reason step by step, and put your final answer within \\boxed{}.";
    /// <summary>The token written after each step; the head's outputs at it score the step.</summary>
    public const string StepTag = "<extra_0>";
    /// <summary>The label whose probability is a step's score (the HF head's second logit).</summary>
    public const int PositiveLabel = 1;

    private readonly InferenceEngine _engine;
    private readonly Tokenizer _tokenizer;
    private readonly int _tagId;

    /// <summary>Reads step scores of <paramref name="engine"/>'s model, whose tokenizer is <paramref name="tokenizer"/>.</summary>
    /// <exception cref="InvalidRequestException">The model has no process-reward score head, or the tokenizer has no
    /// chat format or no <see cref="StepTag"/> token.</exception>
    public QwenMathPrm(InferenceEngine engine, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (engine.Model.Config.Head != ModelHead.ProcessReward)
            throw new InvalidRequestException(
                $"{engine.Model.Source} is a causal language model, not a Qwen2ForProcessRewardModel: Qwen2.5-Math-PRM reads a score head's two labels. Load a Qwen2.5-Math-PRM folder, or read a causal LM as a Math-Shepherd PRM (MathShepherdPrm).");
        if (tokenizer.ChatTemplate?.Family != ChatTemplateFamily.ChatMl)
            throw new InvalidRequestException("Qwen2.5-Math-PRM's input is a ChatML conversation, but this tokenizer has no ChatML chat format; load the model folder's tokenizer (with its tokenizer_config.json).");
        _tagId = tokenizer.TokenToId(StepTag)
            ?? throw new InvalidRequestException($"the tokenizer has no '{StepTag}' token, which Qwen2.5-Math-PRM writes after each step; load the PRM's own tokenizer.");
        if (_tagId >= engine.Model.Config.VocabSize)
            throw new InvalidRequestException($"the tokenizer's '{StepTag}' is id {_tagId}, outside the model's vocabulary of {engine.Model.Config.VocabSize}; the tokenizer does not belong to this model.");
        _engine = engine;
        _tokenizer = tokenizer;
    }

    /// <summary>The text the model reads for <paramref name="solution"/>.</summary>
    public string Render(PartialSolution solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        return _tokenizer.RenderChat(
        [
            new ChatMessage("system", SystemPrompt),
            new ChatMessage("user", solution.Prompt),
            new ChatMessage("assistant", string.Concat(solution.Steps.Select(step => step + StepTag))),
        ], addGenerationPrompt: false);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidRequestException">A solution's text holds the step tag itself (so its steps cannot be
    /// located), or a solution does not fit the model's context window.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        var inputs = new PrmInput[solutions.Count];
        for (int s = 0; s < solutions.Count; s++)
        {
            var tokens = _tokenizer.Encode(Render(solutions[s])).ToArray();
            inputs[s] = StepTokens.Locate(tokens, _tagId, StepTag, solutions[s].Steps.Count, s, _engine.Model.Config.MaxPositionEmbeddings);
        }
        var scores = await PrmReadout.ScoreAsync(_engine, inputs, positive: PositiveLabel, negative: 1 - PositiveLabel, cancellationToken).ConfigureAwait(false);
        return ProcessRewards.Validate(solutions, scores);
    }
}
