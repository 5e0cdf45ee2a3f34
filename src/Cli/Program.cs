using System.CommandLine;
using System.CommandLine.Parsing;

namespace Reasoning.Cli;

/// <summary>Entry point of the <c>reason</c> command.</summary>
public static class Program
{
    /// <summary><c>--no-color</c>: plain text, no colour or bold (also when NO_COLOR is set or stdout is not a terminal).</summary>
    internal static readonly Option<bool> NoColor = new("--no-color") { Description = "Plain text: no colour or bold (also when NO_COLOR is set or output is not a terminal).", Recursive = true };

    /// <summary>Builds the command tree; tests invoke it in-process.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("reason: parallel reasoning with language models, in pure C#.");
        root.Options.Add(NoColor);
        foreach (var command in CommandRegistry.All())
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Runs the command line and returns the process exit code: 0 done, 2 bad input, 130 interrupted.</summary>
    public static int Main(string[] args)
    {
        using var interruption = Interruption.Install();
        return Run(args, interruption.Token);
    }

    /// <summary>
    /// Runs the command line until it ends or <paramref name="cancellationToken"/> is cancelled (what Ctrl-C and SIGTERM
    /// do): a cancelled command stops, keeps what it wrote, prints one <c>interrupted: …</c> line and returns 130.
    /// </summary>
    public static int Run(string[] args, CancellationToken cancellationToken = default) =>
        CliErrors.Run(() =>
        {
            var parse = BuildRoot().Parse(args);
            if (parse.Errors.Count > 0)
            {
                Console.Error.WriteLine($"error: {CliErrors.Plain(parse.Errors[0].Message)} See '{CommandPath(parse.CommandResult)} --help'.");
                return CliErrors.BadInput;
            }
            Terminal.Configure(parse.GetValue(NoColor));
            // Signals are handled by Interruption (a first one cancels, a second exits), not by System.CommandLine,
            // whose handler would kill the process after a fixed grace and mid-way through a record or a checkpoint.
            return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, cancellationToken)
                .GetAwaiter().GetResult();
        });

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c && c.Parent is not null)
                names.Add(c.Command.Name);
        names.Add("reason");
        names.Reverse();
        return string.Join(' ', names);
    }
}
