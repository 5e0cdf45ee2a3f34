using System.CommandLine;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown</c>: problems, traces, checks, the tokenizer and statistics for the Countdown task.</summary>
internal static class CountdownCommand
{
    public static Command Create()
    {
        var command = new Command("countdown", "The Countdown task: generate problems, write SoS+/APR traces, check solutions.");
        command.Subcommands.Add(GenerateCommand.Create());
        command.Subcommands.Add(TraceCommand.Create());
        command.Subcommands.Add(CheckCommand.Create());
        command.Subcommands.Add(TokenizerCommand.Create());
        command.Subcommands.Add(StatsCommand.Create());
        command.Subcommands.Add(SolveCommand.Create());
        return command;
    }

    /// <summary>Runs a command body, turning malformed Countdown input into one clear line and exit code 2.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CountdownFormatException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
