using System.CommandLine;

namespace Reasoning.Cli;

/// <summary>The top-level commands of <c>reason</c>, one line each.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return Commands.GenerateCommand.Create();
        yield return Commands.Bench.BenchCommand.Create();
        yield return Commands.EvalCommand.Create();
        yield return Commands.Countdown.CountdownCommand.Create();
    }
}
