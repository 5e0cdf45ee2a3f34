using System.CommandLine;
using Reasoning.Cli.Commands;

namespace Reasoning.Cli;

/// <summary>The top-level commands of <c>reason</c>, one line each.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return TokenizeCommand.Create();
        yield return DetokenizeCommand.Create();
    }
}
