using System.Runtime.CompilerServices;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>
/// A sequence in an <see cref="InferenceEngine"/>: its tokens and its KV view. Feed it tokens, generate from it, fork
/// it (the children share its KV pages), truncate it. One generation at a time per sequence; any number of sequences
/// generate concurrently and share each engine step. Dispose releases its pages.
/// </summary>
public sealed partial class EngineSequence : IDisposable
{
    private readonly InferenceEngine _engine;
    internal readonly KvSequence Kv;
    internal readonly List<int> History = [];
    internal int FedCount;
    internal volatile bool Busy;
    private bool _disposed;

    internal EngineSequence(InferenceEngine engine, KvSequence kv)
    {
        _engine = engine;
        Kv = kv;
    }

    /// <summary>The tokens in the sequence's context (fed to the model or waiting to be).</summary>
    public IReadOnlyList<int> Tokens => History;

    /// <summary>Number of tokens in the context.</summary>
    public int Length => History.Count;

    /// <summary>The KV view (for inspection: spans, pages).</summary>
    public KvSequence KvView => Kv;

    /// <summary>A new sequence with the same context; it shares this one's KV pages (nothing is copied).</summary>
    public EngineSequence Fork()
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            var child = new EngineSequence(_engine, Kv.Fork()) { FedCount = FedCount };
            child.History.AddRange(History);
            return child;
        }
    }

    /// <summary>Keeps the first <paramref name="length"/> tokens of the context.</summary>
    public void Truncate(int length)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, History.Count);
            History.RemoveRange(length, History.Count - length);
            if (FedCount > length)
            {
                Kv.Truncate(length);
                FedCount = length;
            }
        }
        _engine.Wake();
    }

    /// <summary>Appends tokens to the context without computing them yet (the next feed or generation does).</summary>
    public void Append(IEnumerable<int> tokens)
    {
        lock (_engine.KvLock)
        {
            ThrowIfUnusable();
            History.AddRange(tokens);
        }
    }

    /// <summary>Feeds every pending token through the model (prefill) without sampling.</summary>
    public async Task PrefillAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var _ in Run(new JobRequest(false, new SamplingOptions { MaxTokens = 0 }), cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>
    /// Appends <paramref name="tokens"/> and generates under <paramref name="options"/> (stop token ids and the token
    /// budget), streaming each token; the last one carries the finish reason. With <paramref name="stopStrings"/>, the
    /// engine decodes each new token with the request's decoder after the step and ends at the token whose text
    /// completes a stop string; every streamed token then carries its text piece, and the last one which stop string
    /// ended it and where it starts (<see cref="GeneratedToken.StopIndex"/>). No caller code runs on the engine loop.
    /// </summary>
    public IAsyncEnumerable<GeneratedToken> GenerateAsync(IEnumerable<int> tokens, SamplingOptions options,
        StopStrings? stopStrings = null, CancellationToken cancellationToken = default)
    {
        Append(tokens);
        return Run(new JobRequest(true, options, StopStrings: stopStrings), cancellationToken);
    }

    /// <summary>Like <see cref="GenerateAsync(IEnumerable{int}, SamplingOptions, StopStrings?, CancellationToken)"/>, collecting the whole result.</summary>
    public Task<GenerationResult> GenerateToEndAsync(IEnumerable<int> tokens, SamplingOptions options,
        StopStrings? stopStrings = null, CancellationToken cancellationToken = default) =>
        Collect(GenerateAsync(tokens, options, stopStrings, cancellationToken));

    private static async Task<GenerationResult> Collect(IAsyncEnumerable<GeneratedToken> stream)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long first = 0;
        var list = new List<GeneratedToken>();
        await foreach (var t in stream.ConfigureAwait(false))
        {
            if (list.Count == 0)
                first = System.Diagnostics.Stopwatch.GetTimestamp();
            list.Add(t);
        }
        long end = System.Diagnostics.Stopwatch.GetTimestamp();
        if (first == 0)
            first = end;
        var finish = list.Count > 0 ? list[^1].Finish ?? FinishReason.Length : FinishReason.Length;
        return new GenerationResult(list, finish,
            System.Diagnostics.Stopwatch.GetElapsedTime(start, first).TotalMilliseconds,
            System.Diagnostics.Stopwatch.GetElapsedTime(first, end).TotalMilliseconds);
    }

    /// <summary>
    /// Appends <paramref name="tokens"/> and returns each one's log-probability given every token before it (the
    /// context and the earlier given tokens), with the <paramref name="topLogprobs"/> most likely tokens at its
    /// position. The tokens are fed like a prefill, chunked and batched with other work in the engine's steps, and
    /// they stay appended (computed, so a generation can continue after them); truncate the sequence to drop them.
    /// </summary>
    /// <exception cref="InvalidRequestException">The sequence is empty (the first token has nothing to be conditioned
    /// on), a token is outside the vocabulary, or <paramref name="topLogprobs"/> is out of range.</exception>
    public async Task<IReadOnlyList<ScoredToken>> ScoreAsync(IReadOnlyList<int> tokens, int topLogprobs = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
        {
            lock (_engine.KvLock)
                ThrowIfUnusable();
            return [];
        }
        var job = _engine.Submit(this, new JobRequest(false, new SamplingOptions { MaxTokens = 0 }, ScoreTokens: tokens, ScoreTopLogprobs: topLogprobs), cancellationToken);
        try
        {
            await job.Output.Reader.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            job.CancelRequested = true;
            _engine.Wake();
            await job.Done.Task.ConfigureAwait(false);
        }
        // A job ends quietly when its sequence is disposed under it; partial scores would read as a full answer.
        if (job.Scores.Count != tokens.Count)
            throw new ObjectDisposedException(nameof(EngineSequence), "the sequence was disposed while its tokens were scored.");
        return job.Scores;
    }

    private async IAsyncEnumerable<GeneratedToken> Run(JobRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var job = _engine.Submit(this, request, cancellationToken);
        try
        {
            var reader = job.Output.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                while (reader.TryRead(out var token))
                {
                    // A job at its bound of unread tokens gets no steps; this read may let it run again.
                    if (job.MarkRead())
                        _engine.Wake();
                    yield return token;
                }
        }
        finally
        {
            job.CancelRequested = true;
            _engine.Wake();
            await job.Done.Task.ConfigureAwait(false);
        }
    }

    internal void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Busy)
            throw new InvalidRequestException("this sequence is generating; wait for its generation to end (or cancel it) before changing it.");
    }

    /// <summary>Releases the sequence's KV pages. A running generation is cancelled first.</summary>
    public void Dispose()
    {
        lock (_engine.KvLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            if (!Busy)
                Kv.Dispose();
        }
        _engine.Wake();
    }

    internal bool Disposed => _disposed;
}
