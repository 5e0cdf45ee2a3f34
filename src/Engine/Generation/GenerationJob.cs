using System.Diagnostics;
using System.Threading.Channels;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>
/// Work the engine loop does for one sequence: feed <see cref="Input"/> from <see cref="Fed"/> on, and, when
/// <see cref="Sample"/> is set, sample tokens (appending each to the input) until a stop. Touched only by the loop.
/// </summary>
internal sealed class GenerationJob : ISchedulable
{
    public required EngineSequence Sequence { get; init; }
    public required List<int> Input { get; init; }
    public required bool Sample { get; init; }
    public required SamplingOptions Options { get; init; }
    public required int MaxTokens { get; init; }
    /// <summary>Decodes generated tokens for <see cref="Matcher"/> and the streamed text pieces; null without stop strings.</summary>
    public ITextStreamDecoder? Decoder { get; init; }
    public StopStringMatcher? Matcher { get; init; }
    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// The streamed tokens. The channel itself is unbounded because the loop must never block on a reader; the
    /// backlog is bounded instead by the scheduler, which gives the job no row while <see cref="WaitsForReader"/>.
    /// </summary>
    public Channel<GeneratedToken> Output { get; } = Channel.CreateUnbounded<GeneratedToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    /// <summary>Most tokens written and not yet read (<see cref="EngineOptions.MaxUnreadTokens"/>).</summary>
    public int MaxUnread { get; init; } = int.MaxValue;
    private int _written;
    private int _read;
    public RandomStream Random { get; init; } = new(0);
    public int Fed;
    /// <summary>Index in the sequence's history of <see cref="Input"/>[0] (0 after a preemption recomputes all).</summary>
    public int InputOffset;
    /// <summary>For a scoring job: index in the history of the first token to score; -1 for other jobs.</summary>
    public int ScoreStart = -1;
    /// <summary>For a scoring job: alternatives reported per scored token.</summary>
    public int ScoreTopLogprobs;
    /// <summary>For a scoring job: the scores so far, in token order.</summary>
    public List<ScoredToken> Scores { get; } = [];
    /// <summary>For a readout job: history indices whose outputs are read, ascending; null for other jobs.</summary>
    public int[]? ReadPositions;
    /// <summary>For a readout job: the output indices (vocabulary ids, or a score head's labels) read at each position.</summary>
    public int[] ReadIds = [];
    /// <summary>For a readout job: the values read so far, one array per position (null until computed).</summary>
    public float[]?[] Reads = [];
    /// <summary>Order of submission: older jobs have priority and the newest is preempted first.</summary>
    public long Arrival;
    /// <summary>Preempted and not yet resumed: it waits until its whole input fits in the free pages.</summary>
    public bool Preempted { get; set; }
    public int Generated;
    public long StartTicks = Stopwatch.GetTimestamp();
    public long FirstTokenTicks;
    public volatile bool CancelRequested;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Remaining => Input.Count - Fed;

    public bool WaitsForReader => Volatile.Read(ref _written) - Volatile.Read(ref _read) >= MaxUnread;

    /// <summary>Tokens written and not yet read.</summary>
    public int Unread => Volatile.Read(ref _written) - Volatile.Read(ref _read);

    /// <summary>Streams a token (on the loop). Counted before it is written, so the reader never counts more than was written.</summary>
    public void Write(GeneratedToken token)
    {
        Interlocked.Increment(ref _written);
        Output.Writer.TryWrite(token);
    }

    /// <summary>
    /// Counts a token the reader took; true when the backlog was at the bound before it, so the loop may be waiting
    /// for this read and must be woken. Both counters are interlocked: a loop that saw the job at the bound planned
    /// before this increment, and this read then sees that loop's count of written tokens.
    /// </summary>
    public bool MarkRead()
    {
        int read = Interlocked.Increment(ref _read);
        return Volatile.Read(ref _written) - (read - 1) >= MaxUnread;
    }

    /// <summary>Wakes the loop when the request's token is cancelled: a job waiting for its reader is otherwise not looked at.</summary>
    public CancellationTokenRegistration WakeOnCancel;

    public int ResumePages => (Input.Count + 1 + Sequence.Kv.Pool.PageSize - 1) / Sequence.Kv.Pool.PageSize;

    // Recomputation restores only a view that is one span from position 0; preempting pays only if pages come back.
    public bool CanPreempt
    {
        get
        {
            var kv = Sequence.Kv;
            if (kv.Length == 0 || kv.Spans.Count != 1 || kv.Tail.StoredStart != 0 || kv.Tail.LogicalStart != 0)
                return false;
            foreach (int page in kv.Tail.Pages)
                if (kv.Pool.RefCount(page) == 1)
                    return true;
            return false;
        }
    }

    public bool TryReserve(int tokens)
    {
        try
        {
            Sequence.Kv.Reserve(tokens);
            return true;
        }
        catch (Kv.KvCacheExhaustedException)
        {
            return false;
        }
    }

    public void Preempt()
    {
        Sequence.Kv.Truncate(0);
        Sequence.FedCount = 0;
        Input.Clear();
        Input.AddRange(Sequence.History);
        Fed = 0;
        InputOffset = 0;
        Preempted = true;
    }

    /// <summary>
    /// For a readout job, the indices among the next <paramref name="n"/> input tokens whose outputs are read (a
    /// recomputation after a preemption reads them again, with the same values); null for other jobs.
    /// </summary>
    public int[]? ReadsWithin(int n)
    {
        if (ReadPositions is not { } positions)
            return null;
        int start = InputOffset + Fed;
        int k = Array.BinarySearch(positions, start);
        if (k < 0)
            k = ~k;
        var result = new List<int>();
        for (; k < positions.Length && positions[k] < start + n; k++)
            result.Add(positions[k] - start);
        return [.. result];
    }

    /// <summary>Whether feeding the next <paramref name="n"/> input tokens yields logits that score a given token.</summary>
    public bool ScoresWithin(int n)
    {
        if (ScoreStart < 0)
            return false;
        // Input position p's logits score history token InputOffset + p + 1.
        int first = ScoreStart - InputOffset - 1, last = Input.Count - 2;
        return Fed + n - 1 >= first && Fed <= last;
    }
}
