using System.CommandLine;
using Reasoning.Engine.Errors;
using Reasoning.Fuzz;

namespace Reasoning.Cli.Commands;

/// <summary>
/// <c>reason fuzz --cases N --seed S [--first I] [--category C]… [--timeout SECONDS] [--fixture DIR] [--json]</c>: runs the fuzz
/// harness (random and mutated protocol outputs, damaged model files, command lines run in this process) and prints
/// the outcomes by kind. Exit 0 when every case ended in a result or a typed error (or a finding of a known open
/// issue), 1 when a case crashed, hung or leaked pages in a new way.
/// </summary>
internal static class FuzzCommand
{
    public static Command Create()
    {
        var cases = new Option<int>("--cases") { Description = "How many cases to run (1 or more).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the cases; case i of a seed is always the same input.", DefaultValueFactory = _ => 1 };
        var categories = new Option<string[]>("--category")
        {
            Description = $"Run only these categories ({string.Join(", ", FuzzHarness.AllCategories)}); repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var first = new Option<int>("--first") { Description = "Index of the first case (rerun case 263 alone: --first 263 --cases 1).", DefaultValueFactory = _ => 0 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds a case may run before it counts as a hang.", DefaultValueFactory = _ => 20 };
        var fixture = new Option<string?>("--fixture") { Description = "The fixture model folder (default: tests/fixtures/models/tiny-llama above the current folder)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("fuzz", "Fuzz the protocol parsers, the APR runtime, model loading and the command line; count the outcomes.");
        foreach (var o in new Option[] { cases, seed, first, categories, timeout, fixture, json }) command.Options.Add(o);
        command.SetAction(parse => CliErrors.Run(() =>
        {
            int n = parse.GetValue(cases);
            if (n < 1)
                throw new InvalidRequestException($"--cases is {n}; give 1 or more.");
            int from = parse.GetValue(first);
            if (from < 0)
                throw new InvalidRequestException($"--first is {from}; give 0 or more.");
            int seconds = parse.GetValue(timeout);
            if (seconds < 1)
                throw new InvalidRequestException($"--timeout is {seconds}; give 1 second or more.");
            var chosen = parse.GetValue(categories) is { Length: > 0 } c ? c : null;
            if (chosen?.FirstOrDefault(x => !FuzzHarness.AllCategories.Contains(x)) is { } unknown)
                throw new InvalidRequestException($"unknown --category '{unknown}'; the categories are {string.Join(", ", FuzzHarness.AllCategories)}.");
            string dir = parse.GetValue(fixture) ?? FindFixture();
            if (!File.Exists(Path.Combine(dir, "config.json")))
                throw new InvalidRequestException($"{dir} is not a model folder (no config.json); pass --fixture tests/fixtures/models/tiny-llama.");

            var output = parse.InvocationConfiguration.Output;
            using var harness = new FuzzHarness(new FuzzSettings
            {
                FixtureModelDirectory = dir, Categories = chosen, CaseTimeout = TimeSpan.FromSeconds(seconds),
                RunCli = args => InProcessCli.Run(Program.Main, args),
            });
            var report = harness.RunAsync(n, parse.GetValue(seed), from).GetAwaiter().GetResult();
            output.WriteLine(parse.GetValue(json) ? report.ToJson().ToJsonString() : report.ToText());
            return report.NewFindings.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    private static string FindFixture()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "fixtures", "models", "tiny-llama");
                if (File.Exists(Path.Combine(candidate, "config.json")))
                    return candidate;
            }
        throw new InvalidRequestException($"tests/fixtures/models/tiny-llama was not found above {Directory.GetCurrentDirectory()}; run from the repository or pass --fixture DIR.");
    }
}
