using System.Collections.Concurrent;
using Reasoning.Threads;

namespace Reasoning.Cli.Commands;

/// <summary>
/// The eval's progress line on a terminal: problems done of all, accuracy so far, tokens per second (counted as tokens
/// arrive, from the runs in flight) and the time left, redrawn four times a second.
/// </summary>
internal sealed class EvalProgress : IDisposable
{
    private readonly string _label;
    private readonly int _total;
    private readonly int _doneBefore;
    private readonly TextWriter? _output;
    private readonly ConcurrentDictionary<ThreadRun, byte> _running = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Timer? _timer;
    private int _done, _correct;
    private long _finishedTokens;
    private bool _stopped;

    /// <summary>Starts the line; <paramref name="output"/> null keeps it silent (not a terminal, or --json).</summary>
    public EvalProgress(string label, int total, int doneBefore, int correctBefore, TextWriter? output)
    {
        (_label, _total, _doneBefore, _output) = (label, total, doneBefore, output);
        (_done, _correct) = (doneBefore, correctBefore);
        if (output is not null)
            _timer = new Timer(_ => Draw(), null, 0, 250);
    }

    /// <summary>A problem's run started (its tokens count from now on).</summary>
    public void Started(ThreadRun run) => _running[run] = 0;

    /// <summary>A problem ended.</summary>
    public void Finished(ThreadRun? run, long tokens, bool correct)
    {
        if (run is not null)
            _running.TryRemove(run, out _);
        Interlocked.Add(ref _finishedTokens, tokens);
        if (correct)
            Interlocked.Increment(ref _correct);
        Interlocked.Increment(ref _done);
    }

    /// <summary>Problems with a record so far (before this run and in it).</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>The line: <c>countdown apr  12/20 · accuracy 41.7% · 312 tokens/s · ETA 0:42</c>.</summary>
    public static string Format(string label, int done, int total, int correct, double tokensPerSecond, TimeSpan? eta)
    {
        string accuracy = done == 0 ? "accuracy -" : $"accuracy {100.0 * correct / done:0.0}%";
        string left = eta is { } e ? $"ETA {(int)e.TotalHours}:{e.Minutes:00}:{e.Seconds:00}" : "ETA -";
        return $"{label}  {done}/{total} · {accuracy} · {tokensPerSecond:0} tokens/s · {left}";
    }

    private void Draw()
    {
        double seconds = Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
        long tokens = Interlocked.Read(ref _finishedTokens) + _running.Keys.Sum(r => r.TotalTokens);
        int done = Done, doneHere = done - _doneBefore;
        TimeSpan? eta = doneHere > 0 ? TimeSpan.FromSeconds(seconds / doneHere * (_total - done)) : null;
        string line = Format(_label, done, _total, Volatile.Read(ref _correct), tokens / seconds, eta);
        lock (_clock)
            if (!_stopped)
                _output?.Write($"\r\u001b[2K{line}");
    }

    /// <summary>Stops and erases the line.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_clock)
        {
            if (!_stopped)
                _output?.Write("\r\u001b[2K");
            _stopped = true;
        }
    }
}
