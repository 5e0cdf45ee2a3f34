using System.Runtime.CompilerServices;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Engine.Generation;

/// <summary>Options of a text generation: sampling plus stop strings and end-of-sequence handling.</summary>
public sealed record TextGenerationOptions
{
    /// <summary>Sampling and token budget.</summary>
    public SamplingOptions Sampling { get; init; } = new();
    /// <summary>Strings that end generation; the returned text stops before them.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];
    /// <summary>Keep generating past the model's end-of-sequence tokens.</summary>
    public bool IgnoreEos { get; init; }
}

/// <summary>One streamed token with the text it completed (empty while a UTF-8 character is still incomplete).</summary>
/// <param name="Token">The token.</param>
/// <param name="Text">Text now safe to show (stop strings held back and removed).</param>
/// <param name="TokenText">The token's own decoded piece.</param>
public readonly record struct TextToken(GeneratedToken Token, string Text, string TokenText);

/// <summary>A finished text generation.</summary>
public sealed record TextGenerationResult(
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<TextToken> Tokens,
    string Text,
    FinishReason Finish,
    double PrefillMilliseconds,
    double DecodeMilliseconds);

/// <summary>Text in, text out, on an engine sequence: tokenizes, generates, decodes, applies stop strings.</summary>
public static class TextGeneration
{
    /// <summary>Streams the generation of <paramref name="sequence"/> after appending <paramref name="newTokens"/>.</summary>
    public static async IAsyncEnumerable<TextToken> StreamAsync(EngineSequence sequence, Tokenizer tokenizer, IEnumerable<int> newTokens,
        TextGenerationOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sampling = options.Sampling;
        if (!options.IgnoreEos)
            sampling = sampling with { StopTokenIds = [.. sampling.StopTokenIds, .. tokenizer.EosTokenIds] };
        var stops = new StopStrings(options.StopStrings, tokenizer.AsTextDecoder(skipSpecialTokens: true));
        // Text that could still be the start of a stop string is held back until the engine has ruled it out.
        int holdBack = Math.Max(0, options.StopStrings.Where(x => x.Length > 0).Select(x => x.Length).DefaultIfEmpty(0).Max() - 1);
        var text = new System.Text.StringBuilder();
        int released = 0;
        await foreach (var token in sequence.GenerateAsync(newTokens, sampling, stops, cancellationToken).ConfigureAwait(false))
        {
            string piece = token.Text ?? "";
            text.Append(piece);
            int upTo = token.Finish is null ? text.Length - holdBack : token.StopIndex >= 0 ? token.StopIndex : text.Length;
            string safe = "";
            if (upTo > released)
            {
                safe = text.ToString(released, upTo - released);
                released = upTo;
            }
            yield return new TextToken(token, safe, piece);
        }
    }

    /// <summary>Generates from a text prompt in a new sequence and returns the whole result.</summary>
    public static async Task<TextGenerationResult> GenerateAsync(InferenceEngine engine, Tokenizer tokenizer, string prompt,
        TextGenerationOptions options, CancellationToken cancellationToken = default)
    {
        var ids = tokenizer.Encode(prompt);
        using var sequence = engine.CreateSequence();
        return await CollectAsync(sequence, tokenizer, ids, ids, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <see cref="StreamAsync"/> to the end and gathers tokens, text and timings.</summary>
    public static async Task<TextGenerationResult> CollectAsync(EngineSequence sequence, Tokenizer tokenizer, IReadOnlyList<int> promptIds,
        IEnumerable<int> newTokens, TextGenerationOptions options, CancellationToken cancellationToken = default)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long first = 0;
        var tokens = new List<TextToken>();
        var text = new System.Text.StringBuilder();
        await foreach (var t in StreamAsync(sequence, tokenizer, newTokens, options, cancellationToken).ConfigureAwait(false))
        {
            if (tokens.Count == 0)
                first = System.Diagnostics.Stopwatch.GetTimestamp();
            tokens.Add(t);
            text.Append(t.Text);
        }
        long end = System.Diagnostics.Stopwatch.GetTimestamp();
        if (first == 0)
            first = end;
        var finish = tokens.Count > 0 ? tokens[^1].Token.Finish ?? FinishReason.Length : FinishReason.Length;
        return new TextGenerationResult(promptIds, tokens, text.ToString(), finish,
            System.Diagnostics.Stopwatch.GetElapsedTime(start, first).TotalMilliseconds,
            System.Diagnostics.Stopwatch.GetElapsedTime(first, end).TotalMilliseconds);
    }
}
