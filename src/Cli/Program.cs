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

    /// <summary>
    /// How long Ctrl-C or SIGTERM waits for the running command to finish its cancellation (a training step and its
    /// checkpoint, an evaluation record) before the process exits anyway. System.CommandLine's default, 2 s, killed
    /// `reason train` mid-step, losing every step since the last checkpoint.
    /// </summary>
    public static readonly TimeSpan TerminationGrace = TimeSpan.FromMinutes(2);

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Main(string[] args) =>
        CliErrors.Run(() => BuildRoot().Parse(args).Invoke(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = TerminationGrace,
        }));
}
