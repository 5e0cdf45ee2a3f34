using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>One generated token as it streams out of the engine.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Logprob">Its log-probability under the model.</param>
/// <param name="TopLogprobs">The most likely alternatives, when asked for.</param>
/// <param name="Finish">Set on the last token of a generation: why it ended.</param>
public readonly record struct GeneratedToken(int Id, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs, FinishReason? Finish)
{
    /// <summary>
    /// The text this token completed, as the request's <see cref="StopStrings.Decoder"/> decodes it (empty while a
    /// character is incomplete, or for a stop token id; the last token also carries the decoder's pending text).
    /// Null when the request carried no decoder. The pieces concatenate to the generated text.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>On the last token: the stop string that ended the generation, or null.</summary>
    public string? StopString { get; init; }

    /// <summary>
    /// On the last token, when <see cref="StopString"/> is set: where the stop string starts in the generated text
    /// (the concatenation of every <see cref="Text"/>), so a caller can cut there; -1 otherwise.
    /// </summary>
    public int StopIndex { get; init; } = -1;
}

/// <summary>A whole generation: its tokens, why it ended and how long its phases took.</summary>
/// <param name="Tokens">The generated tokens, stop token included when one ended it.</param>
/// <param name="Finish">Why it ended.</param>
/// <param name="PrefillMilliseconds">From submission to the first token.</param>
/// <param name="DecodeMilliseconds">From the first token to the last.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedToken> Tokens, FinishReason Finish, double PrefillMilliseconds, double DecodeMilliseconds);

/// <summary>A given token's log-probability under the model, given every token before it.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Logprob">log P(token | the context before it).</param>
/// <param name="TopLogprobs">The most likely tokens at its position, when asked for.</param>
public readonly record struct ScoredToken(int Id, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs);
