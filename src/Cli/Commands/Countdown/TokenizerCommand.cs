using System.CommandLine;
using Reasoning.Engine.Io;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown tokenizer --out DIR [--rebuild]</c>: writes tokenizer.json and tokenizer_config.json.</summary>
internal static class TokenizerCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory to write tokenizer.json and tokenizer_config.json into.", Required = true };
        var rebuild = new Option<bool>("--rebuild") { Description = "Learn the BPE again from generated traces instead of writing the committed one." };
        var vocab = new Option<int>("--vocab") { Description = "Vocabulary size when rebuilding.", DefaultValueFactory = _ => CountdownTokenizerBuilder.DefaultVocabularySize };
        var command = new Command("tokenizer", "Write the Countdown models' tokenizer (Hugging Face format).");
        foreach (var o in new Option[] { output, rebuild, vocab }) command.Options.Add(o);
        command.SetAction(r => CountdownCommand.Guard(() =>
        {
            var dir = r.GetValue(output)!;
            var json = r.GetValue(rebuild)
                ? CountdownTokenizerBuilder.Build(CountdownTokenizerBuilder.DefaultCorpus(), r.GetValue(vocab))
                : CountdownTokenizer.EmbeddedJson();
            AtomicFile.WriteText(Path.Combine(dir, "tokenizer.json"), json);
            AtomicFile.WriteText(Path.Combine(dir, "tokenizer_config.json"), CountdownTokenizerBuilder.Config());
            Console.WriteLine($"wrote tokenizer.json ({CountdownTokenizer.FromJson(json).VocabularySize} tokens) and tokenizer_config.json to {dir}");
            return 0;
        }));
        return command;
    }
}
