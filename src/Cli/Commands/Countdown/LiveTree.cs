using Reasoning.Threads;
using Spectre.Console;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>Shows a run's threads as a tree that grows live in the terminal (status and tokens of each thread).</summary>
internal static class LiveTree
{
    public static async Task<T> RunAsync<T>(Func<Action<ThreadRun>, Task<T>> work)
    {
        ThreadRun? run = null;
        T result = default!;
        await AnsiConsole.Live(new Text("starting…")).AutoClear(false).StartAsync(async ctx =>
        {
            var task = work(r => run = r);
            while (!task.IsCompleted)
            {
                if (run is not null)
                    ctx.UpdateTarget(Render(run));
                await Task.WhenAny(task, Task.Delay(150));
            }
            if (run is not null)
                ctx.UpdateTarget(Render(run));
            result = await task;
        });
        return result;
    }

    private static Tree Render(ThreadRun run)
    {
        var root = run.Root;
        var tree = new Tree(root is null ? "…" : Label(root));
        if (root is not null)
            foreach (var child in root.Children)
                tree.AddNode(Label(child));
        return tree;
    }

    private static string Label(ReasoningThread t)
    {
        string color = t.Status switch
        {
            ThreadStatus.Running => "yellow",
            ThreadStatus.Finished => t.EndReason == "goal reached" ? "green" : "grey",
            ThreadStatus.Failed or ThreadStatus.Cancelled => "red",
            _ => "blue",
        };
        return $"[{color}]{Markup.Escape(t.Name)}[/] {t.Status.ToString().ToLowerInvariant()} · {t.GeneratedTokens} tokens"
            + (t.EndReason is { } r ? $" · {Markup.Escape(r)}" : "");
    }
}
