using System.CommandLine;

namespace Reasoning.Cli;

/// <summary>Entry point of the <c>reason</c> command.</summary>
public static class Program
{
    /// <summary>Builds the command tree; tests invoke it in-process.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("reason: parallel reasoning with language models, in pure C#.");
        foreach (var command in CommandRegistry.All())
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Main(string[] args) =>
        CliErrors.Run(() => BuildRoot().Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
}
