using System.CommandLine;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason tokenize --tokenizer PATH [--json] [--no-special] TEXT</c>: prints the token ids of a text.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = TokenizerOption();
        var json = new Option<bool>("--json") { Description = "Print {\"ids\":[...]} instead of space-separated ids." };
        var noSpecial = new Option<bool>("--no-special") { Description = "Do not add the tokenizer's special tokens (such as BOS)." };
        var text = new Argument<string>("text") { Description = "The text to encode. Special tokens written in it (<|im_start|>) are recognised." };
        var command = new Command("tokenize", "Encode a text into token ids with a Hugging Face tokenizer.");
        command.Options.Add(tokenizerOption);
        command.Options.Add(json);
        command.Options.Add(noSpecial);
        command.Arguments.Add(text);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var tokenizer = Tokenizer.Load(parse.GetRequiredValue(tokenizerOption));
            var ids = tokenizer.Encode(parse.GetRequiredValue(text), addSpecialTokens: !parse.GetValue(noSpecial));
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine(parse.GetValue(json) ? $"{{\"ids\":[{string.Join(',', ids)}]}}" : string.Join(' ', ids));
            return 0;
        }));
        return command;
    }

    /// <summary>The --tokenizer option shared by tokenize and detokenize.</summary>
    public static Option<string> TokenizerOption() => new("--tokenizer")
    {
        Description = "A tokenizer.json file, or a model directory holding one.",
        Required = true,
    };
}
