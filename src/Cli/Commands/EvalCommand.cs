using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Io;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation;
using Reasoning.Evaluation.Countdown;
using Reasoning.Evaluation.Reports;
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
        var parallel = new Option<int>("--parallel") { Description = "Problems solved at once, batched by the engine (latency is per problem under that load; use 1 to measure latency).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Engine compute threads (0: one per core)." };
        var kvDType = KvOptions.DType();
        var kvMemory = KvOptions.Memory("1GiB");
        var countdown = new Command("countdown", "Evaluate Countdown problems.");
        foreach (var o in new Option[] { problems, count, strategy, context, temperature, seed, model, output, resume, parallel, json, threads, kvDType, kvMemory })
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
            var kvType = KvOptions.Parse(p.GetValue(kvDType)!);
            using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = ByteSize.Parse(p.GetValue(kvMemory)!), Threads = p.GetValue(threads), KvDType = kvType });
            var options = new SolveOptions { Strategy = strat, ContextWindow = p.GetValue(context), Temperature = p.GetValue(temperature), Seed = p.GetValue(seed) };
            using var results = ResultsFile.Open(p.GetValue(output)!, p.GetValue(resume));
            var records = new List<JsonObject>(results.Existing.Values);
            var todo = Enumerable.Range(0, list.Count).Where(i => !results.Existing.ContainsKey(i)).ToList();

            int width = p.GetValue(parallel);
            // How and where every record ran, so a file extended with --resume elsewhere shows which latencies compare.
            int engineThreads = p.GetValue(threads) > 0 ? p.GetValue(threads) : Environment.ProcessorCount;
            string kvName = kvType == Engine.Kv.KvDType.BF16 ? "bf16" : "f32";
            if (width is < 1 or > 256)
                throw new Engine.Errors.InvalidRequestException($"--parallel {width} must be between 1 and 256.");

            async Task Work(Action<int> progress)
            {
                int done = 0;
                await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = width, CancellationToken = ct }, async (i, token) =>
                {
                    var r = await CountdownSolver.SolveAsync(engine, codec, list[i], options with { Seed = options.Seed + (ulong)i }, null, token);
                    var record = new JsonObject
                    {
                        ["index"] = i, ["numbers"] = new JsonArray(list[i].Numbers.Select(x => (JsonNode)x).ToArray()), ["target"] = list[i].Target,
                        ["strategy"] = strat.ToString(), ["context"] = options.ContextWindow, ["solved"] = r.Solved, ["verified"] = r.Verified,
                        ["solution"] = r.Solution is null ? null : new JsonArray(r.Solution.Select(s => (JsonNode)s).ToArray()), ["reason"] = r.Reason,
                        ["total_tokens"] = r.TotalTokens, ["sequential_tokens"] = r.SequentialTokens, ["threads"] = r.Threads, ["elapsed_ms"] = Math.Round(r.ElapsedMilliseconds, 1),
                        ["parallel"] = width, ["engine_threads"] = engineThreads, ["kv_dtype"] = kvName,
                        ["machine"] = MachineDescription.Current,
                    };
                    results.Append(record);
                    lock (records)
                        records.Add(record);
                    progress(Interlocked.Increment(ref done));
                });
            }

            if (Console.IsOutputRedirected || p.GetValue(json))
                await Work(_ => { });
            else
                await AnsiConsole.Progress().StartAsync(async ctx =>
                {
                    var task = ctx.AddTask($"countdown {strat}", maxValue: Math.Max(1, todo.Count));
                    await Work(d => task.Value = d);
                });
            if (records.Count == 0)
            {
                Console.Error.WriteLine("no problems evaluated.");
                return 0;
            }
            var summary = EvaluationSummary.FromRecords(records, p.GetValue(output)!);
            if (p.GetValue(json))
                Console.WriteLine(summary.ToJson().ToJsonString());
            else
                Console.Write(ComparisonReport.MarkdownTable([summary]));
            return 0;
        });
        eval.Subcommands.Add(countdown);
        eval.Subcommands.Add(Report());
        return eval;
    }

    private static Command Report()
    {
        var inputs = new Argument<string[]>("results") { Description = "Results files written by 'reason eval countdown --out', one per strategy and context.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Folder for table.md, accuracy-vs-tokens.svg and accuracy-vs-latency.svg." };
        var title = new Option<string>("--title") { Description = "Title of the plots.", DefaultValueFactory = _ => "Countdown" };
        var cmd = new Command("report", "Compare evaluations: a Markdown table and accuracy plots against total tokens and latency.");
        cmd.Arguments.Add(inputs);
        cmd.Options.Add(output);
        cmd.Options.Add(title);
        cmd.SetAction(p =>
        {
            var summaries = p.GetValue(inputs)!.Select(path =>
            {
                try
                {
                    return EvaluationSummary.Load(path);
                }
                catch (ArgumentException e)
                {
                    throw new Engine.Errors.InvalidRequestException(e.Message);
                }
            }).ToList();
            string table = ComparisonReport.MarkdownTable(summaries);
            Console.Write(table);
            if (p.GetValue(output) is { } dir)
            {
                Directory.CreateDirectory(dir);
                string name = p.GetValue(title)!;
                AtomicFile.WriteText(Path.Combine(dir, "table.md"), table);
                AtomicFile.WriteText(Path.Combine(dir, "accuracy-vs-tokens.svg"), ComparisonReport.Plot(summaries, s => s.MeanTotalTokens, "mean total tokens per problem", name + ": accuracy against total tokens"));
                AtomicFile.WriteText(Path.Combine(dir, "accuracy-vs-sequential.svg"), ComparisonReport.Plot(summaries, s => s.MeanSequentialTokens, "mean sequential tokens per problem", name + ": accuracy against sequential tokens"));
                AtomicFile.WriteText(Path.Combine(dir, "accuracy-vs-latency.svg"), ComparisonReport.Plot(summaries, s => s.MeanLatencyMs / 1000, "mean latency per problem (s)", name + ": accuracy against latency"));
                Console.Error.WriteLine($"wrote {dir}/table.md and three plots");
            }
            return 0;
        });
        return cmd;
    }

}
