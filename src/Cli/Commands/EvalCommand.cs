using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.Threads;
using Spectre.Console;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason eval countdown</c>: accuracy, tokens and latency of a strategy over a problem file, resumable.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var eval = new Command("eval", "Evaluate a model on a task.");
        var problems = new Option<string>("--problems") { Description = "JSONL problems ({\"numbers\":[..],\"target\":..} per line).", Required = true };
        var count = new Option<int?>("--count") { Description = "Evaluate only the first N problems." };
        var strategy = new Option<string>("--strategy") { Description = "apr, sos, cons@N or pass@N.", DefaultValueFactory = _ => "apr" };
        var context = new Option<int>("--context") { Description = "Context window of each thread, in tokens.", DefaultValueFactory = _ => 4096 };
        var temperature = new Option<float>("--temperature") { Description = "0 is greedy.", DefaultValueFactory = _ => 0f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random streams." };
        var model = new Option<string?>("--model") { Description = "Model folder (default: the shipped Countdown model for the strategy)." };
        var output = new Option<string>("--out") { Description = "Results JSONL, one record per problem.", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Keep the records already in --out and do only the rest." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var countdown = new Command("countdown", "Evaluate Countdown problems.");
        foreach (var o in new Option[] { problems, count, strategy, context, temperature, seed, model, output, resume, json })
            countdown.Options.Add(o);
        countdown.SetAction(async (p, ct) =>
        {
            var list = ProblemFile.Read(p.GetValue(problems)!);
            if (p.GetValue(count) is int n)
                list = list.Take(n).ToList();
            var strat = CountdownStrategy.Parse(p.GetValue(strategy)!);
            string dir = ModelLocator.Countdown(p.GetValue(model), strat.Kind == StrategyKind.Apr ? "countdown-apr" : "countdown-sos");
            using var loaded = TransformerModel.Load(dir);
            var codec = new TokenizerCodec(Tokenizer.Load(dir));
            using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = 1L << 30 });
            var options = new SolveOptions { Strategy = strat, ContextWindow = p.GetValue(context), Temperature = p.GetValue(temperature), Seed = p.GetValue(seed) };
            using var results = ResultsFile.Open(p.GetValue(output)!, p.GetValue(resume));
            var records = new List<JsonObject>(results.Existing.Values);
            var todo = Enumerable.Range(0, list.Count).Where(i => !results.Existing.ContainsKey(i)).ToList();

            async Task Work(Action<int> progress)
            {
                int done = 0;
                foreach (int i in todo)
                {
                    ct.ThrowIfCancellationRequested();
                    var r = await CountdownSolver.SolveAsync(engine, codec, list[i], options with { Seed = options.Seed + (ulong)i }, null, ct);
                    var record = new JsonObject
                    {
                        ["index"] = i, ["numbers"] = new JsonArray(list[i].Numbers.Select(x => (JsonNode)x).ToArray()), ["target"] = list[i].Target,
                        ["strategy"] = strat.ToString(), ["context"] = options.ContextWindow, ["solved"] = r.Solved, ["verified"] = r.Verified,
                        ["solution"] = r.Solution is null ? null : new JsonArray(r.Solution.Select(s => (JsonNode)s).ToArray()), ["reason"] = r.Reason,
                        ["total_tokens"] = r.TotalTokens, ["sequential_tokens"] = r.SequentialTokens, ["threads"] = r.Threads, ["elapsed_ms"] = Math.Round(r.ElapsedMilliseconds, 1),
                    };
                    results.Append(record);
                    records.Add(record);
                    progress(++done);
                }
            }

            if (Console.IsOutputRedirected || p.GetValue(json))
                await Work(_ => { });
            else
                await AnsiConsole.Progress().StartAsync(async ctx =>
                {
                    var task = ctx.AddTask($"countdown {strat}", maxValue: Math.Max(1, todo.Count));
                    await Work(d => task.Value = d);
                });
            var summary = Summarize(records, strat, options.ContextWindow);
            if (p.GetValue(json))
                Console.WriteLine(summary.ToJsonString());
            else
                PrintTable(summary);
            return 0;
        });
        eval.Subcommands.Add(countdown);
        return eval;
    }

    private static JsonObject Summarize(List<JsonObject> records, CountdownStrategy strategy, int context)
    {
        double Mean(string key) => records.Count == 0 ? 0 : records.Average(r => double.Parse(r[key]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
        return new JsonObject
        {
            ["strategy"] = strategy.ToString(), ["context"] = context, ["problems"] = records.Count,
            ["accuracy"] = records.Count == 0 ? 0 : records.Count(r => r["verified"]!.GetValue<bool>()) / (double)records.Count,
            ["mean_total_tokens"] = Mean("total_tokens"), ["mean_sequential_tokens"] = Mean("sequential_tokens"), ["mean_latency_ms"] = Mean("elapsed_ms"),
        };
    }

    private static void PrintTable(JsonObject s)
    {
        var table = new Table().AddColumns("strategy", "context", "problems", "accuracy", "mean total tokens", "mean sequential tokens", "mean latency");
        table.AddRow(s["strategy"]!.ToString(), s["context"]!.ToString(), s["problems"]!.ToString(), $"{s["accuracy"]!.GetValue<double>():P1}",
            $"{s["mean_total_tokens"]!.GetValue<double>():0}", $"{s["mean_sequential_tokens"]!.GetValue<double>():0}", $"{s["mean_latency_ms"]!.GetValue<double>() / 1000:0.00} s");
        AnsiConsole.Write(table);
    }
}
