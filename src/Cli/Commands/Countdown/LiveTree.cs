using Reasoning.Threads;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>Shows a run's threads as a tree that grows live in the terminal, from the run's event stream.</summary>
internal static class LiveTree
{
    /// <summary>
    /// Runs <paramref name="work"/>, which hands over its run as it starts, and redraws the tree at most ten times a
    /// second while events arrive; the last frame, drawn after the run ends, shows every thread.
    /// </summary>
    public static async Task<T> RunAsync<T>(Func<Action<ThreadRun>, Task<T>> work, TextWriter output, bool styled)
    {
        var view = new ThreadTreeView();
        var frame = new LiveFrame(output);
        var gate = new Lock();
        int changed = 0;
        Task reader = Task.CompletedTask;
        var task = work(run => reader = Task.Run(async () =>
        {
            await foreach (var e in run.Events.ConfigureAwait(false))
            {
                lock (gate)
                    view.Apply(e);
                Volatile.Write(ref changed, 1);
            }
        }));
        int width = SafeSize(() => Console.WindowWidth, 120), height = SafeSize(() => Console.WindowHeight, 40);
        while (!task.IsCompleted)
        {
            if (Interlocked.Exchange(ref changed, 0) == 1)
                lock (gate)
                    // A frame taller than the screen could not be moved back over, so it keeps to the screen's height.
                    frame.Draw(view.Lines(styled, width - 1, Math.Max(2, height - 2)));
            await Task.WhenAny(task, Task.Delay(100)).ConfigureAwait(false);
        }
        try
        {
            await reader.ConfigureAwait(false);
        }
        finally
        {
            lock (gate)
                frame.Draw(view.Lines(styled, width - 1));
        }
        return await task.ConfigureAwait(false);
    }

    private static int SafeSize(Func<int> size, int fallback)
    {
        try
        {
            int s = size();
            return s > 0 ? s : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }
}
