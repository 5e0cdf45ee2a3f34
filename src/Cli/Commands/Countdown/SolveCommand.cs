using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.Threads;
using Spectre.Console;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown solve</c>: the main job — a shipped Countdown model solves one problem, live.</summary>
internal static class SolveCommand
{
    public static Command Create()
    {
        var numbers = new Option<string>("--numbers") { Description = "The numbers, comma-separated (e.g. 44,19,35,73).", Required = true };
        var target = new Option<int>("--target") { Description = "The target.", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "apr, sos, cons@N or pass@N.", DefaultValueFactory = _ => "apr" };
        var model = new Option<string?>("--model") { Description = "Model folder (default: the shipped models/countdown-apr, or countdown-sos for sos/cons/pass)." };
        var temperature = new Option<float>("--temperature") { Description = "0 is greedy.", DefaultValueFactory = _ => 0f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random streams." };
        var context = new Option<int>("--context") { Description = "Context window of each thread, in tokens.", DefaultValueFactory = _ => 4096 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var threads = new Option<int>("--threads") { Description = "Engine compute threads (0: one per core)." };
        var kvDType = KvOptions.DType();
        var kvMemory = KvOptions.Memory("1GiB");
        var cmd = new Command("solve", "Solve one Countdown problem with a model, showing the reasoning tree as it grows.");
        foreach (var o in new Option[] { numbers, target, strategy, model, temperature, seed, context, json, threads, kvDType, kvMemory })
            cmd.Options.Add(o);
        cmd.SetAction(async (p, ct) =>
        {
            var problem = ParseProblem(p.GetValue(numbers)!, p.GetValue(target));
            var strat = CountdownStrategy.Parse(p.GetValue(strategy)!);
            string dir = ModelLocator.Countdown(p.GetValue(model), strat.Kind == StrategyKind.Apr ? "countdown-apr" : "countdown-sos");
            using var loaded = TransformerModel.Load(dir);
            var codec = new TokenizerCodec(Tokenizer.Load(dir));
            using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = ByteSize.Parse(p.GetValue(kvMemory)!), Threads = p.GetValue(threads), KvDType = KvOptions.Parse(p.GetValue(kvDType)!) });
            var options = new SolveOptions { Strategy = strat, Temperature = p.GetValue(temperature), Seed = p.GetValue(seed), ContextWindow = p.GetValue(context) };
            bool asJson = p.GetValue(json);
            var result = asJson || Console.IsOutputRedirected
                ? await CountdownSolver.SolveAsync(engine, codec, problem, options, null, ct)
                : await LiveTree.RunAsync(run => CountdownSolver.SolveAsync(engine, codec, problem, options, run, ct));
            if (asJson)
                Console.WriteLine(ToJson(result).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            else
                Print(problem, strat, result);
            return 0;
        });
        return cmd;
    }

    private static CountdownProblem ParseProblem(string numbers, int target)
    {
        var parts = numbers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 8 || parts.Any(x => !int.TryParse(x, out int v) || v < 1))
            throw new InvalidRequestException($"--numbers '{numbers}' must be 2 to 8 positive integers separated by commas, e.g. 44,19,35,73.");
        return CountdownProblem.FromJson($"{{\"numbers\":[{string.Join(",", parts)}],\"target\":{target}}}", "--numbers/--target");
    }

    private static JsonObject ToJson(CountdownSolveResult r) => new()
    {
        ["solved"] = r.Solved,
        ["verified"] = r.Verified,
        ["solution"] = r.Solution is null ? null : new JsonArray(r.Solution.Select(s => (JsonNode)s).ToArray()),
        ["reason"] = r.Reason,
        ["usage"] = new JsonObject { ["total_tokens"] = r.TotalTokens, ["sequential_tokens"] = r.SequentialTokens, ["threads"] = r.Threads },
        ["elapsed_ms"] = Math.Round(r.ElapsedMilliseconds, 1),
        ["tree"] = r.Tree,
    };

    private static void Print(CountdownProblem problem, CountdownStrategy strategy, CountdownSolveResult r)
    {
        AnsiConsole.MarkupLine($"[bold]{string.Join(", ", problem.Numbers)} → {problem.Target}[/] ({strategy})");
        if (r.Solution is not null)
            foreach (var step in r.Solution)
                AnsiConsole.MarkupLine($"  {Markup.Escape(step)}");
        AnsiConsole.MarkupLine(r.Verified ? "[green]verified by the checker[/]" : $"[red]not verified[/]: {Markup.Escape(r.Reason ?? "")}");
        AnsiConsole.MarkupLine($"total tokens {r.TotalTokens}, sequential tokens {r.SequentialTokens}, threads {r.Threads}, {r.ElapsedMilliseconds / 1000:0.00} s");
    }
}
