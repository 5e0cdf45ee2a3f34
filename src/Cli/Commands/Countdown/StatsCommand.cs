using System.CommandLine;
using System.Text.Json;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown stats --count N --seed S [--numbers 4] [--budget 4096] [--json]</c>: trace lengths, tokens, spawns, failures.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "How many training problems to trace.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Problem seed.", DefaultValueFactory = _ => 0 };
        var numbers = new Option<int>("--numbers") { Description = $"Starting numbers per problem, {CountdownLimits.MinNumbers} to {CountdownLimits.MaxNumbers}.", DefaultValueFactory = _ => 4 };
        var budget = new Option<int>("--budget") { Description = "Token budget of a thread (APR's context: 4096).", DefaultValueFactory = _ => 4096 };
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON." };
        var command = new Command("stats", "Measure SoS+ and APR traces: characters, tokens, spawns, failures within a budget.");
        foreach (var o in new Option[] { count, seed, numbers, budget, json }) command.Options.Add(o);
        command.SetAction(r => CountdownCommand.Guard(() =>
        {
            CountdownLimits.CheckCountOption(r.GetValue(count));
            if (r.GetValue(count) == 0)
                throw new Engine.Errors.InvalidRequestException("--count 0 leaves nothing to measure; give at least 1 problem (the default is 1000).");
            CountdownLimits.CheckNumbersOption(r.GetValue(numbers));
            if (r.GetValue(budget) < 1)
                throw new Engine.Errors.InvalidRequestException($"--budget {r.GetValue(budget)} must be 1 or more tokens (APR's context: 4096).");
            var problems = new ProblemGenerator(r.GetValue(numbers)).Generate(r.GetValue(count), r.GetValue(seed)).ToList();
            var tokenizer = CountdownTokenizer.Load();
            var stats = CliProgress.Run("measuring", problems.Count, p => TraceStatistics.Measure(problems, tokenizer, r.GetValue(budget), p));
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(stats, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            foreach (var s in stats)
            {
                Console.WriteLine($"{s.Format}: {s.Problems} problems, solved {s.SolvedFraction:P1}, longest thread over {r.GetValue(budget)} tokens {s.OverBudgetFraction:P1}");
                Print("chars/thread", s.CharsPerThread);
                Print("tokens/thread", s.TokensPerThread);
                Print("tokens/problem", s.TokensPerProblem);
                Print("longest thread", s.LongestThreadTokens);
                Print("spawns/problem", s.SpawnsPerProblem);
            }
            return 0;
        }));
        return command;
    }

    private static void Print(string name, Summary s) =>
        Console.WriteLine($"  {name,-15} mean {s.Mean,8:F1}  median {s.Median,8:F0}  p90 {s.P90,8:F0}  max {s.Max,8:F0}");
}
