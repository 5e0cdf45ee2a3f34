using Reasoning.Threads;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>A one-line live view of a step-level search: states made, tokens against the budget, the newest state's line.</summary>
internal static class LiveSearch
{
    /// <summary>Runs <paramref name="work"/>, which hands over its run as it starts, redrawing five times a second until it ends.</summary>
    public static async Task<T> RunAsync<T>(Func<Action<ThreadRun>, Task<T>> work, long budgetTokens, TextWriter output)
    {
        var frame = new LiveFrame(output);
        ThreadRun? run = null;
        var task = work(r => Volatile.Write(ref run, r));
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(200)).ConfigureAwait(false);
            if (Volatile.Read(ref run) is not { } r)
                continue;
            var threads = r.Threads;
            string newest = threads.Count > 1 ? LastLine(threads[^1].Text) : "";
            frame.Draw([$"searching: {threads.Count} states, {r.TotalTokens:N0} of {budgetTokens:N0} tokens  {newest}"]);
        }
        frame.Draw([]);
        return await task.ConfigureAwait(false);
    }

    private static string LastLine(string text)
    {
        var t = text.TrimEnd('\n');
        int nl = t.LastIndexOf('\n');
        var line = nl < 0 ? t : t[(nl + 1)..];
        return line.Length > 70 ? line[..70] + "…" : line;
    }
}
