using System.Diagnostics;
using System.Text;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;

namespace Reasoning.Threads;

/// <summary>
/// A thread of reasoning: an engine sequence, its text, its place in the run's tree. Threads append text, generate
/// (many threads of a run generate in the same engine steps), fork (sharing KV pages), spawn children from fresh
/// contexts, join their results and truncate. Threads are token-first: marks are token positions, the text offset of
/// every token boundary is recorded as tokens arrive, and spans of the KV view can be started, pruned, moved and
/// attached (a KV join). Every operation is bounded by the run's <see cref="ThreadBudget"/>.
/// </summary>
public sealed partial class ReasoningThread
{
    private readonly ThreadRun _run;
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _generated = new();
    private readonly List<ReasoningThread> _children = [];
    private readonly List<IReadOnlyList<ReasoningThread>> _rounds = [];
    private readonly List<ReasoningThread> _forks = [];
    private readonly TokenTextIndex _index;
    internal EngineSequence? Sequence;

    /// <summary>Identifier, unique in the run (the root is 0).</summary>
    public int Id { get; }
    /// <summary>A readable name.</summary>
    public string Name { get; }
    /// <summary>The thread that spawned or forked this one.</summary>
    public ReasoningThread? Parent { get; }
    /// <summary>Nesting depth (root = 0).</summary>
    public int Depth { get; }
    /// <summary>Where the thread is in its life.</summary>
    public ThreadStatus Status { get; private set; } = ThreadStatus.Idle;
    /// <summary>Why it ended, when it ended other than normally.</summary>
    public string? EndReason { get; private set; }
    /// <summary>Why it ended, typed (null while alive).</summary>
    public ThreadOutcome? Outcome { get; private set; }
    /// <summary>The whole context as text: what was appended and what was generated.</summary>
    public string Text => _text.ToString();
    /// <summary>Only the generated text.</summary>
    public string GeneratedText => _generated.ToString();
    /// <summary>Tokens this thread generated.</summary>
    public int GeneratedTokens { get; private set; }
    /// <summary>Tokens in the thread's context.</summary>
    public int ContextTokens => Sequence?.Length ?? 0;
    /// <summary>Children, in creation order.</summary>
    public IReadOnlyList<ReasoningThread> Children => _children;
    /// <summary>Children grouped by the spawn that created them.</summary>
    public IReadOnlyList<IReadOnlyList<ReasoningThread>> Rounds => _rounds;
    /// <summary>When the thread was created, since the run's start.</summary>
    public double StartMilliseconds { get; }
    /// <summary>When it ended, since the run's start (null while alive).</summary>
    public double? EndMilliseconds { get; private set; }

    internal ReasoningThread(ThreadRun run, int id, string name, ReasoningThread? parent, EngineSequence sequence, string initialText,
        TokenTextIndex? index = null)
    {
        _run = run;
        _index = index ?? new TokenTextIndex(run.Codec);
        Id = id;
        Name = name;
        Parent = parent;
        Depth = parent is null ? 0 : parent.Depth + 1;
        Sequence = sequence;
        _text.Append(initialText);
        StartMilliseconds = run.ElapsedMilliseconds;
    }

    /// <summary>
    /// Longest causal chain of generated tokens through this thread and its children's rounds (APR's "sequential tokens").
    /// Forks run alongside each other, so they count as one more round.
    /// </summary>
    public long SequentialTokens =>
        GeneratedTokens + _rounds.Sum(r => r.Count == 0 ? 0 : r.Max(c => c.SequentialTokens))
        + (_forks.Count == 0 ? 0 : _forks.Max(f => f.SequentialTokens));

    /// <summary>Appends text to the context (computed with the next generation).</summary>
    public void Append(string text)
    {
        var seq = Alive();
        var ids = _run.Codec.Encode(text);
        int window = _run.ContextWindow;
        if (seq.Length + ids.Count > window)
            throw new BudgetExceededException($"thread {Id} would hold {seq.Length + ids.Count} tokens; the context window is {window}.");
        seq.Append(ids);
        _text.Append(text);
        _index.Add(ids, _text.ToString());
    }

    /// <summary>Computes the pending context now (so forks taken afterwards share its KV pages).</summary>
    public async Task PrefillAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _run.Cancellation);
        await Alive().PrefillAsync(linked.Token).ConfigureAwait(false);
    }

    /// <summary>Generates until a stop string, an end-of-sequence token or a budget; streams tokens as events.</summary>
    public async Task<ThreadGeneration> GenerateAsync(ThreadGenerationOptions options, CancellationToken cancellationToken = default)
    {
        var seq = Alive();
        var budget = _run.Budget;
        int allowed = Math.Min(options.MaxTokens, budget.MaxTokensPerThread - GeneratedTokens);
        allowed = (int)Math.Min(allowed, _run.RemainingTotalTokens);
        allowed = Math.Min(allowed, _run.ContextWindow - seq.Length);
        if (allowed <= 0)
            return new ThreadGeneration("", 0, FinishReason.Length, null, -1, true) { ContextFull = seq.Length >= _run.ContextWindow };

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _run.Cancellation);
        var text = new StringBuilder();
        // Stop strings go to the engine as data, matched on text the thread's own codec decodes, so the text the
        // thread records is the text the engine stopped on. An empty list still asks for each token's text.
        var stops = new StopStrings(options.StopStrings, _run.Codec);
        string? stopString = null;
        int stopIndex = -1;

        var sampling = new SamplingOptions
        {
            MaxTokens = allowed, Temperature = options.Temperature, TopP = options.TopP, Seed = options.Seed ^ (ulong)Id * 0x9E3779B97F4A7C15UL,
            StopTokenIds = _run.Codec.EndOfSequenceIds,
        };
        Status = ThreadStatus.Running;
        int count = 0;
        FinishReason finish = FinishReason.Length;
        int emitted = 0;
        try
        {
            await foreach (var token in seq.GenerateAsync([], sampling, stops, linked.Token).ConfigureAwait(false))
            {
                count++;
                _run.AddTokens(1);
                // Each piece is the token's text; the last one also carries the decoder's pending text.
                text.Append(token.Text);
                if (token.Finish is { } f)
                {
                    finish = f;
                    // A stop string counts only when it ended the generation: the engine also matches the pending text
                    // flushed at a budget or end-of-sequence end, which is kept as text but stops nothing.
                    if (f == FinishReason.Stop && token.StopString is not null && !sampling.StopTokenIds.Contains(token.Id))
                    {
                        stopString = token.StopString;
                        stopIndex = token.StopIndex;
                    }
                }
                if (text.Length > emitted)
                {
                    _run.Emit(new TokensGenerated(Id, _run.ElapsedMilliseconds, text.ToString(emitted, text.Length - emitted), count));
                    emitted = text.Length;
                }
            }
        }
        catch (OperationCanceledException)
        {
            End(ThreadStatus.Cancelled, "cancelled");
            throw;
        }
        finally
        {
            GeneratedTokens += count;
            _generated.Append(text);
            _text.Append(text);
            if (Sequence is { } alive)
                _index.Add([.. alive.Tokens.Skip(_index.Count)], _text.ToString());
            if (Status == ThreadStatus.Running)
                Status = ThreadStatus.Idle;
        }
        bool exhausted = finish == FinishReason.Length && count >= allowed && allowed < options.MaxTokens;
        return new ThreadGeneration(text.ToString(), count, finish, stopString, stopIndex, exhausted)
        {
            ContextFull = exhausted && (Sequence?.Length ?? 0) >= _run.ContextWindow,
        };
    }

    /// <summary>
    /// A child that continues from this thread's context, sharing its KV pages. With <paramref name="at"/> the child's
    /// new tokens start a span of their own at that logical position (same-position paths; the child can later be
    /// joined by KV); this needs the context computed (<see cref="PrefillAsync"/>) and a token appended before the
    /// child generates.
    /// </summary>
    public ReasoningThread Fork(string? name = null, int? at = null)
    {
        var seq = Alive();
        var forked = at is { } position ? seq.Fork(position) : seq.Fork();
        var child = _run.CreateThread(name ?? $"{Name}.fork{_children.Count}", this, forked, Text, _index.Clone());
        if (at is not null)
            child.SetOwnTokens(forked.Spans[^1].Index, forked.Length);
        _children.Add(child);
        _forks.Add(child);
        return child;
    }

    /// <summary>Starts one child per context, each from a fresh context holding only that text.</summary>
    public IReadOnlyList<ReasoningThread> Spawn(IReadOnlyList<string> contexts, Func<int, string>? name = null)
    {
        Alive();
        _run.CheckSpawn(this, contexts.Count);
        var round = new List<ReasoningThread>();
        try
        {
            for (int i = 0; i < contexts.Count; i++)
            {
                var child = _run.CreateThread(name?.Invoke(i) ?? $"{Name}.{_rounds.Count}.{i}", this, _run.Engine.CreateSequence(), "");
                round.Add(child);
                _children.Add(child);
                child.SetOwnTokens(0, 0, placeOnJoin: true);
                child.Append(contexts[i]);
            }
        }
        catch
        {
            foreach (var child in round)
                child.End(ThreadStatus.Failed, "spawn failed");
            throw;
        }
        _rounds.Add(round);
        Status = ThreadStatus.Waiting;
        _run.Emit(new ThreadsSpawned(Id, _run.ElapsedMilliseconds, round.Select(c => c.Id).ToList()));
        return round;
    }

    /// <summary>Appends the text built from the children's results and resumes the thread.</summary>
    public void Join(IReadOnlyList<ReasoningThread> children, string joinText)
    {
        Append(joinText);
        Status = ThreadStatus.Idle;
        _run.Emit(new ThreadsJoined(Id, _run.ElapsedMilliseconds, children.Select(c => c.Id).ToList()));
    }

    /// <summary>
    /// Cuts the context back to its first <paramref name="length"/> characters of text: keeps the longest run of
    /// tokens whose text is a prefix of it, drops the rest (and their KV pages) and re-appends the remaining characters.
    /// The cut is found from the recorded token boundaries, without decoding.
    /// </summary>
    public void TruncateText(int length)
    {
        var seq = Alive();
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _text.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        string target = _text.ToString(0, length);
        // The same search as over decoded prefixes: "the text of the first k tokens is a prefix of the target" is
        // "k is a clean boundary at or before the target's end".
        int lo = 0, hi = seq.Length;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            int end = _index.TextAt(mid);
            if (end >= 0 && end <= length)
                lo = mid;
            else
                hi = mid - 1;
        }
        int kept = _index.TextAt(lo);
        seq.Truncate(lo);
        _index.Truncate(lo);
        int generatedCut = Math.Max(0, _generated.Length - (_text.Length - length));
        _generated.Length = generatedCut;
        _text.Length = kept;
        if (kept < length)
            Append(target[kept..]);
    }

    /// <summary>Ends the thread with a status and a reason, and releases its KV pages; the outcome follows the status.</summary>
    public void End(ThreadStatus status, string? reason = null) => End(status, reason, ThreadOutcome.FromStatus(status, reason));

    /// <summary>Ends the thread with a typed outcome (its status and reason follow from it) and releases its KV pages.</summary>
    public void End(ThreadOutcome outcome) => End(outcome.Status, outcome.Detail, outcome);

    private void End(ThreadStatus status, string? reason, ThreadOutcome outcome)
    {
        if (EndMilliseconds is not null)
            return;
        Status = status;
        EndReason = reason;
        Outcome = outcome;
        EndMilliseconds = _run.ElapsedMilliseconds;
        Sequence?.Dispose();
        Sequence = null;
        _run.Emit(new ThreadEnded(Id, EndMilliseconds.Value, status, reason, outcome));
    }

    private EngineSequence Alive() =>
        Sequence ?? throw new InvalidOperationException($"thread {Id} ({Name}) has ended ({Status}: {EndReason}); it can no longer change.");
}
