using System.CommandLine;
using Reasoning.Cli.Commands;

namespace Reasoning.Cli;

/// <summary>The top-level commands of <c>reason</c>, one line each.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return GenerateCommand.Create();
        yield return ScoreCommand.Create();
        yield return Commands.Bench.BenchCommand.Create();
        yield return EvalCommand.Create();
        yield return Commands.Countdown.CountdownCommand.Create();
        yield return TrainCommand.Create(path => path == "bytes"
            ? new Reasoning.Training.Data.ByteTextEncoder()   // as --tokenizer's help promises
            : new Reasoning.Training.Data.TokenizerEncoder(Engine.Tokenization.Tokenizer.Load(path)));
        yield return TokenizeCommand.Create();
        yield return DetokenizeCommand.Create();
        yield return FuzzCommand.Create();
        yield return McpCommand.Create();
    }
}
