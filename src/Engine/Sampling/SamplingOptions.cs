using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Sampling;

/// <summary>How the next token is chosen and when generation stops. Temperature 0 is greedy.</summary>
public sealed record SamplingOptions
{
    /// <summary>Softmax temperature; 0 picks the most likely token (lowest id on a tie).</summary>
    public float Temperature { get; init; }
    /// <summary>Keep only the K most likely tokens (0: all).</summary>
    public int TopK { get; init; }
    /// <summary>Keep the smallest set of most likely tokens whose probability reaches P (1: all).</summary>
    public float TopP { get; init; } = 1f;
    /// <summary>Drop tokens less likely than MinP × the most likely one's probability (0: none).</summary>
    public float MinP { get; init; }
    /// <summary>Seed of this sequence's random stream; the same seed gives the same tokens, batched or alone.</summary>
    public ulong Seed { get; init; }
    /// <summary>Most tokens to generate.</summary>
    public int MaxTokens { get; init; } = 256;
    /// <summary>Tokens that end generation (the model's EOS ids, typically).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    /// <summary>Number of most likely alternatives to report with each token (0: none).</summary>
    public int TopLogprobs { get; init; }

    /// <summary>Checks every field's range.</summary>
    /// <exception cref="InvalidRequestException">A field is out of range; the message names it.</exception>
    public void Validate(int vocabSize)
    {
        if (!(Temperature >= 0) || float.IsInfinity(Temperature))
            throw new InvalidRequestException($"temperature {Temperature} is invalid; use 0 (greedy) or a positive number.");
        if (TopK < 0)
            throw new InvalidRequestException($"top-k {TopK} is invalid; use 0 (off) or a positive count.");
        if (!(TopP > 0 && TopP <= 1))
            throw new InvalidRequestException($"top-p {TopP} is invalid; use a value in (0, 1].");
        if (!(MinP >= 0 && MinP <= 1))
            throw new InvalidRequestException($"min-p {MinP} is invalid; use a value in [0, 1].");
        if (MaxTokens < 0)
            throw new InvalidRequestException($"max tokens {MaxTokens} is invalid; use a non-negative count.");
        if (TopLogprobs < 0 || TopLogprobs > Math.Min(vocabSize, 100))
            throw new InvalidRequestException($"top-logprobs {TopLogprobs} is invalid; use 0 to {Math.Min(vocabSize, 100)}.");
    }
}
