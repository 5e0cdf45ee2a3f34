using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Search.Prm;

/// <summary>
/// A Math-Shepherd PRM (a causal LM, e.g. <c>peiyi9979/math-shepherd-mistral-7b-prm</c>) on the engine, in the
/// format of its reference code: the input is <c>"{problem} {step 1} ки\n{step 2} ки…"</c> (each step followed by
/// the step tag, steps joined by newlines), encoded with the tokenizer's special tokens; a step's score is the
/// softmax over the logits of the good and bad tokens (<c>+</c>, <c>-</c>) at its tag's position, taking the good one.
/// </summary>
/// <remarks>
/// Token ids follow the reference code: the tag is the last token of encoding the tag alone, and the good and bad
/// tokens are the last tokens of encoding each alone (with Mistral's tokenizer, <c>▁+</c> = 648 and <c>▁-</c> = 387,
/// the same as its <c>encode("+ -")[1:]</c>). The steps are scored as given: the original data writes
/// "Step k: " at the start of each.
/// </remarks>
public sealed class MathShepherdPrm : IProcessRewardModel
{
    /// <summary>The reference step tag.</summary>
    public const string DefaultStepTag = "ки";
    /// <summary>The reference token for a correct step.</summary>
    public const string DefaultGoodToken = "+";
    /// <summary>The reference token for a wrong step.</summary>
    public const string DefaultBadToken = "-";

    private readonly InferenceEngine _engine;
    private readonly Tokenizer _tokenizer;

    /// <summary>The step tag written after each step.</summary>
    public string StepTag { get; }
    /// <summary>Id of the tag's token, whose logits score the step.</summary>
    public int StepTagId { get; }
    /// <summary>Id of the token for a correct step.</summary>
    public int GoodTokenId { get; }
    /// <summary>Id of the token for a wrong step.</summary>
    public int BadTokenId { get; }

    /// <summary>Reads step scores from <paramref name="engine"/>'s causal LM, whose tokenizer is <paramref name="tokenizer"/>.</summary>
    /// <exception cref="InvalidRequestException">The model has no language-model head, a token text encodes to nothing
    /// or outside the vocabulary, or the good and bad tokens are the same id.</exception>
    public MathShepherdPrm(InferenceEngine engine, Tokenizer tokenizer, string stepTag = DefaultStepTag,
        string goodToken = DefaultGoodToken, string badToken = DefaultBadToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (engine.Model.Config.Head != ModelHead.LanguageModel)
            throw new InvalidRequestException(
                $"{engine.Model.Source} has a score head and no language-model head: a Math-Shepherd PRM reads the logits of '{goodToken}' and '{badToken}'. Read a Qwen2ForProcessRewardModel with QwenMathPrm.");
        _engine = engine;
        _tokenizer = tokenizer;
        StepTag = stepTag;
        StepTagId = LastToken(stepTag, "step tag");
        GoodTokenId = LastToken(goodToken, "good token");
        BadTokenId = LastToken(badToken, "bad token");
        if (GoodTokenId == BadTokenId)
            throw new InvalidRequestException($"the good token '{goodToken}' and the bad token '{badToken}' encode to the same id {GoodTokenId}; choose texts that end in different tokens.");
        if (StepTagId == GoodTokenId || StepTagId == BadTokenId)
            throw new InvalidRequestException($"the step tag '{stepTag}' ends in the same token ({StepTagId}) as a label token; choose a distinct tag.");
    }

    private int LastToken(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.Encode(text);
        if (ids.Count == 0)
            throw new InvalidRequestException($"the {what} '{text}' encodes to no token; give a non-empty text.");
        int id = ids[^1];
        if (id >= _engine.Model.Config.VocabSize)
            throw new InvalidRequestException($"the {what} '{text}' encodes to id {id}, outside the model's vocabulary of {_engine.Model.Config.VocabSize}; the tokenizer does not belong to this model.");
        return id;
    }

    /// <summary>The text the model reads for <paramref name="solution"/>.</summary>
    public string Render(PartialSolution solution)
    {
        ArgumentNullException.ThrowIfNull(solution);
        return $"{solution.Prompt} {string.Join("\n", solution.Steps.Select(step => $"{step} {StepTag}"))}";
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidRequestException">A solution's tokens do not hold exactly one tag token per step (the
    /// text holds the tag's token itself, or the tokenizer merged a tag with its neighbours), or a solution does not
    /// fit the model's context window.</exception>
    public async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solutions);
        var inputs = new PrmInput[solutions.Count];
        for (int s = 0; s < solutions.Count; s++)
        {
            var tokens = _tokenizer.Encode(Render(solutions[s])).ToArray();
            inputs[s] = StepTokens.Locate(tokens, StepTagId, StepTag, solutions[s].Steps.Count, s, _engine.Model.Config.MaxPositionEmbeddings);
        }
        var scores = await PrmReadout.ScoreAsync(_engine, inputs, positive: GoodTokenId, negative: BadTokenId, cancellationToken).ConfigureAwait(false);
        return ProcessRewards.Validate(solutions, scores);
    }
}
