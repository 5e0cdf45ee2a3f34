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
        await foreach (var _ in Run(false, new SamplingOptions { MaxTokens = 0 }, null, cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>
    /// Appends <paramref name="tokens"/> and generates under <paramref name="options"/>, streaming each token; the last
    /// one carries the finish reason. <paramref name="stopCondition"/> (called on the engine's loop with each new token
    /// id; keep it fast) ends generation when it returns true; if it throws, this generation fails with that exception
    /// and the engine goes on with the others.
    /// </summary>
    public IAsyncEnumerable<GeneratedToken> GenerateAsync(IEnumerable<int> tokens, SamplingOptions options,
        Func<int, bool>? stopCondition = null, CancellationToken cancellationToken = default)
    {
        Append(tokens);
        return Run(true, options, stopCondition, cancellationToken);
    }

    /// <summary>Like <see cref="GenerateAsync"/>, collecting the whole result.</summary>
    public async Task<GenerationResult> GenerateToEndAsync(IEnumerable<int> tokens, SamplingOptions options,
        Func<int, bool>? stopCondition = null, CancellationToken cancellationToken = default)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long first = 0;
        var list = new List<GeneratedToken>();
        await foreach (var t in GenerateAsync(tokens, options, stopCondition, cancellationToken).ConfigureAwait(false))
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

    private async IAsyncEnumerable<GeneratedToken> Run(bool sample, SamplingOptions options, Func<int, bool>? stopCondition,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var job = _engine.Submit(this, sample, options, stopCondition, cancellationToken);
        try
        {
            await foreach (var token in job.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return token;
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
