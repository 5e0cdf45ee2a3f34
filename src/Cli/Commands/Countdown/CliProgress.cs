using Spectre.Console;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>A progress bar on a terminal; nothing when output is redirected.</summary>
internal static class CliProgress
{
    /// <summary>Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> items are done.</summary>
    public static T Run<T>(string label, int total, Func<Action<int>, T> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected || total < 200)
            return work(_ => { });
        T result = default!;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(label, maxValue: total);
            result = work(done => task.Value = done);
        });
        return result;
    }
}
