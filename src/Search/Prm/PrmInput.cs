namespace Reasoning.Search.Prm;

/// <summary>A partial solution rendered for a language-model PRM: its token ids and the indices of the step tokens.</summary>
/// <param name="Tokens">The whole input, as the model reads it.</param>
/// <param name="StepPositions">Ascending indices into <paramref name="Tokens"/>, one per step, whose outputs score the steps.</param>
internal sealed record PrmInput(int[] Tokens, int[] StepPositions);
