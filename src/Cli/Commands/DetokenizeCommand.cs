using System.CommandLine;
using System.Globalization;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason detokenize --tokenizer PATH [--skip-special] IDS...</c>: prints the text of token ids.</summary>
internal static class DetokenizeCommand
{
    public static Command Create()
    {
        var tokenizerOption = TokenizeCommand.TokenizerOption();
        var skipSpecial = new Option<bool>("--skip-special") { Description = "Leave special tokens (BOS, <|im_end|>...) out of the text." };
        var ids = new Argument<string[]>("ids")
        {
            Description = "Token ids, as separate arguments or separated by commas or spaces (\"1,2,3\").",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("detokenize", "Decode token ids into text with a Hugging Face tokenizer.");
        command.Options.Add(tokenizerOption);
        command.Options.Add(skipSpecial);
        command.Arguments.Add(ids);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var parsed = ParseIds(parse.GetRequiredValue(ids));
            var tokenizer = Tokenizer.Load(parse.GetRequiredValue(tokenizerOption));
            parse.InvocationConfiguration.Output.WriteLine(tokenizer.Decode(parsed, parse.GetValue(skipSpecial)));
            return 0;
        }));
        return command;
    }

    /// <summary>Reads ids written as separate arguments and/or separated by commas, spaces or brackets.</summary>
    internal static List<int> ParseIds(IEnumerable<string> arguments)
    {
        var result = new List<int>();
        foreach (var argument in arguments)
        {
            foreach (var part in argument.Split([',', ' ', '\t', '\n', '[', ']'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    throw new InvalidRequestException($"\"{part}\" is not a token id; pass non-negative integers such as 1,2,3");
                result.Add(id);
            }
        }
        return result;
    }
}
