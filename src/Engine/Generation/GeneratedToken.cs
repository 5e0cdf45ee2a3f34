using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>One generated token as it streams out of the engine.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Logprob">Its log-probability under the model.</param>
/// <param name="TopLogprobs">The most likely alternatives, when asked for.</param>
/// <param name="Finish">Set on the last token of a generation: why it ended.</param>
public readonly record struct GeneratedToken(int Id, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs, FinishReason? Finish);

/// <summary>A whole generation: its tokens, why it ended and how long its phases took.</summary>
/// <param name="Tokens">The generated tokens, stop token included when one ended it.</param>
/// <param name="Finish">Why it ended.</param>
/// <param name="PrefillMilliseconds">From submission to the first token.</param>
/// <param name="DecodeMilliseconds">From the first token to the last.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedToken> Tokens, FinishReason Finish, double PrefillMilliseconds, double DecodeMilliseconds);
