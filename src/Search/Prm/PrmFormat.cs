namespace Reasoning.Search.Prm;

/// <summary>The published language-model PRM formats the engine runs.</summary>
public enum PrmFormat
{
    /// <summary>Qwen2.5-Math-PRM: a <c>Qwen2ForProcessRewardModel</c> score head read at <c>&lt;extra_0&gt;</c> tags (<see cref="QwenMathPrm"/>).</summary>
    QwenMathPrm,
    /// <summary>Math-Shepherd: a causal LM's <c>+</c>/<c>-</c> logits read at <c>ки</c> tags (<see cref="MathShepherdPrm"/>).</summary>
    MathShepherd,
}
