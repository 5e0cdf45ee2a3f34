namespace Reasoning.Training.Data;

/// <summary>
/// One tokenized example: prompt, completion and EOS ids end to end. Predictions of the tokens at index ≥
/// <see cref="FirstTarget"/> (the completion and EOS) carry the loss; the prompt is context only.
/// </summary>
/// <param name="Tokens">All ids.</param>
/// <param name="FirstTarget">Index of the first completion token.</param>
public sealed record TrainingExample(int[] Tokens, int FirstTarget)
{
    /// <summary>Positions fed to the model (the last token is only a target).</summary>
    public int InputLength => Tokens.Length - 1;
}
