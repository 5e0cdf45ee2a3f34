using System.CommandLine;
using System.Text.Json.Nodes;
using Reasoning.Engine.Io;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown generate --count N --seed S [--numbers 4] [--split train|val] --out F</c></summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many problems.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same problems).", DefaultValueFactory = _ => 0 };
        var numbers = new Option<int>("--numbers") { Description = $"Starting numbers per problem, {CountdownLimits.MinNumbers} to {CountdownLimits.MaxNumbers} (APR: 4; 3 and 5 are variants).", DefaultValueFactory = _ => 4 };
        var split = new Option<string>("--split") { Description = "train or val (disjoint by sorted numbers and target).", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "val");
        var output = new Option<string>("--out") { Description = "Output JSONL file.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("generate", "Draw solvable Countdown problems as APR does, one JSON object a line.");
        foreach (var o in new Option[] { count, seed, numbers, split, output, json }) command.Options.Add(o);
        command.SetAction(r => CountdownCommand.Guard(() =>
        {
            var n = r.GetValue(count);
            CountdownLimits.CheckCountOption(n);
            CountdownLimits.CheckNumbersOption(r.GetValue(numbers));
            if (string.IsNullOrWhiteSpace(r.GetValue(output)))
                throw new Engine.Errors.InvalidRequestException("--out is empty; give the file to write, e.g. --out problems.jsonl.");
            var which = r.GetValue(split) == "val" ? ProblemSplit.Validation : ProblemSplit.Train;
            var generator = new ProblemGenerator(r.GetValue(numbers));
            var problems = CliProgress.Run("generating", n, progress =>
            {
                var list = new List<CountdownProblem>(n);
                foreach (var p in generator.Generate(n, r.GetValue(seed), which))
                {
                    list.Add(p);
                    progress(list.Count);
                }
                return list;
            });
            var path = r.GetValue(output)!;
            AtomicFile.WriteText(path, ProblemFile.Format(problems));
            if (r.GetValue(json))
                Console.WriteLine(new JsonObject { ["problems"] = problems.Count, ["split"] = r.GetValue(split), ["numbers"] = generator.NumberCount, ["out"] = path }.ToJsonString());
            else
                Console.WriteLine($"wrote {problems.Count} {r.GetValue(split)} problems ({generator.NumberCount} numbers) to {path}");
            return 0;
        }));
        return command;
    }
}
