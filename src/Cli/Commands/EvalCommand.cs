using System.CommandLine;
using System.Text.Json.Nodes;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Io;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation;
using Reasoning.Evaluation.Countdown;
using Reasoning.Evaluation.Reports;
using Reasoning.Tasks.Countdown;
using Reasoning.Threads;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason eval countdown</c>: accuracy, tokens and latency of a strategy over a problem file, resumable.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var eval = new Command("eval", "Evaluate a model on a task.");
        var problems = new Option<string>("--problems") { Description = "JSONL problems ({\"numbers\":[..],\"target\":..} per line).", Required = true };
        var count = new Option<int?>("--count") { Description = "Evaluate only the first N problems." };
        var strategy = new Option<string>("--strategy") { Description = "apr, sos, cons@N, pass@N, or a step-level search over SoS+ lines: astar, bon@N, beam@W or pf@N.", DefaultValueFactory = _ => "apr" };
        var prm = SearchCliOptions.Prm();
        var budgetTokens = SearchCliOptions.Tokens();
        var budgetPrm = SearchCliOptions.PrmCalls();
        var children = SearchCliOptions.Children();
        var context = new Option<int>("--context") { Description = $"Context window of each thread, in tokens ({CountdownLimits.MinContext} to the model's window).", DefaultValueFactory = _ => 4096 };
        var temperature = new Option<float>("--temperature") { Description = "0 is greedy.", DefaultValueFactory = _ => 0f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random streams." };
        var model = new Option<string?>("--model") { Description = "Model folder (default: the shipped Countdown model for the strategy)." };
        var output = new Option<string>("--out") { Description = "Results JSONL: a settings header, then one record per problem.", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Keep the records already in --out (written with the same settings) and do only the rest." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing --out (without it, an existing results file is never touched)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var parallel = new Option<int>("--parallel") { Description = "Problems solved at once (1-256), batched by the engine (latency is per problem under that load; use 1 to measure latency).", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Engine compute threads (0: one per core; more than the cores is capped)." };
        var kvDType = KvOptions.DType();
        var kvMemory = KvOptions.Memory("1GiB");
        var countdown = new Command("countdown", "Evaluate Countdown problems.");
        foreach (var o in new Option[] { problems, count, strategy, prm, budgetTokens, budgetPrm, children, context, temperature, seed, model, output, resume, overwrite, parallel, json, threads, kvDType, kvMemory })
            countdown.Options.Add(o);
        countdown.SetAction(async (p, ct) =>
        {
            // Every argument is checked, and the model loaded, before the results file is opened: a bad argument
            // must never leave an existing file changed.
            int width = p.GetValue(parallel);
            if (width is < 1 or > 256)
                throw new InvalidRequestException($"--parallel {width} must be between 1 and 256.");
            if (p.GetValue(resume) && p.GetValue(overwrite))
                throw new InvalidRequestException("--resume keeps the records in --out and --overwrite replaces them; give one of them.");
            if (p.GetValue(count) is < 0)
                throw new InvalidRequestException($"--count {p.GetValue(count)} is negative; give how many problems to evaluate.");
            var strat = CountdownStrategy.Parse(p.GetValue(strategy)!);
            CountdownLimits.CheckTemperature(p.GetValue(temperature));
            SearchCliOptions.CheckBudgets(p.GetValue(budgetTokens), p.GetValue(budgetPrm), p.GetValue(children));
            string prmName = p.GetValue(prm)!.Trim().ToLowerInvariant();
            var reward = SearchCliOptions.Resolve(prmName);
            int engineThreads = CountdownLimits.Threads(p.GetValue(threads));
            var kvType = KvOptions.Parse(p.GetValue(kvDType)!);
            long kvBytes = ByteSize.Parse(p.GetValue(kvMemory)!);
            string problemsPath = p.GetValue(problems)!;
            var all = ProblemFile.Read(problemsPath);
            for (int i = 0; i < all.Count; i++)
                CountdownLimits.Check(all[i], $"{problemsPath}: problem {i + 1}");
            var list = p.GetValue(count) is int n ? all.Take(n).ToList() : all.ToList();
            string dir = ModelLocator.Countdown(p.GetValue(model), strat.Kind == StrategyKind.Apr ? "countdown-apr" : "countdown-sos");
            using var loaded = TransformerModel.Load(dir);
            int window = CountdownLimits.Context(p, context, loaded.Config.MaxPositionEmbeddings);
            var codec = new TokenizerCodec(Tokenizer.Load(dir));
            int outside = list.Count(x => !CountdownLimits.InTrainingRange(x));
            if (outside > 0)
                Terminal.Warn($"{outside} of {list.Count} problems are outside the shipped models' training range ({CountdownLimits.TrainingRange}).");
            using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = kvBytes, Threads = engineThreads, KvDType = kvType });
            var options = new SolveOptions
            {
                Strategy = strat, ContextWindow = window, Temperature = p.GetValue(temperature), Seed = p.GetValue(seed),
                SearchTokens = p.GetValue(budgetTokens), SearchPrmCalls = p.GetValue(budgetPrm), Reward = reward, SearchChildren = p.GetValue(children),
            };

            // What makes two records comparable; a resume with any of these changed is refused.
            var settings = new JsonObject
            {
                ["task"] = "countdown", ["problems_sha256"] = ContentHash.File(problemsPath), ["strategy"] = strat.ToString(),
                ["context"] = options.ContextWindow, ["temperature"] = options.Temperature, ["seed"] = options.Seed, ["model_sha256"] = ContentHash.Model(dir),
            };
            if (strat.IsStepSearch)
            {
                // Only a search's records depend on these; the other strategies' headers stay as they were, so their files still resume.
                settings["prm"] = prmName;
                settings["budget_tokens"] = options.SearchTokens;
                settings["budget_prm"] = options.SearchPrmCalls;
                settings["children"] = options.SearchChildren;
            }
            var about = new JsonObject { ["problems"] = problemsPath, ["model"] = dir, ["created"] = DateTimeOffset.UtcNow.ToString("O") };
            var mode = p.GetValue(resume) ? ResultsFileMode.Resume : p.GetValue(overwrite) ? ResultsFileMode.Overwrite : ResultsFileMode.New;
            string outPath = p.GetValue(output)!;
            using var results = ResultsFile.Open(outPath, settings, mode, about, record => BelongsTo(record, all));
            if (results.Rejected.Count > 0)
                Terminal.Warn($"{Lines(results.Rejected.Count)} of {outPath} {(results.Rejected.Count == 1 ? "is not a record" : "are not records")} "
                    + $"(line{(results.Rejected.Count == 1 ? "" : "s")} {string.Join(", ", results.Rejected.Select(r => r.Line))}; line {results.Rejected[0].Line}: {results.Rejected[0].Why}); "
                    + $"moved to {results.RejectedPath}; problems without a record are done again.");
            var records = new List<JsonObject>(results.Existing.Values.Where(r => r["index"]!.GetValue<int>() < list.Count));
            var todo = Enumerable.Range(0, list.Count).Where(i => !results.Existing.ContainsKey(i)).ToList();

            string kvName = kvType == Engine.Kv.KvDType.BF16 ? "bf16" : "f32";
            int recordedThreads = engineThreads > 0 ? engineThreads : Environment.ProcessorCount;
            using var progress = new EvalProgress($"countdown {strat}", list.Count, records.Count, records.Count(EvaluationSummary.IsCorrect),
                Terminal.Live && !p.GetValue(json) ? Console.Out : null);
            try
            {
                await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = width, CancellationToken = ct }, async (i, token) =>
                {
                    ThreadRun? started = null;
                    var r = await CountdownSolver.SolveAsync(engine, codec, list[i], options with { Seed = options.Seed + (ulong)i },
                        run => progress.Started(started = run), token);
                    var verdict = SolveVerdict.Of(list[i], r);
                    var record = new JsonObject
                    {
                        ["index"] = i, ["numbers"] = new JsonArray(list[i].Numbers.Select(x => (JsonNode)x).ToArray()), ["target"] = list[i].Target,
                        ["strategy"] = strat.ToString(), ["context"] = options.ContextWindow, ["solved"] = r.Solved, ["verified"] = r.Verified,
                        ["solvable"] = verdict.Solvable, ["correct"] = verdict.Correct,
                        ["solution"] = r.Solution is null ? null : new JsonArray(r.Solution.Select(s => (JsonNode)s).ToArray()), ["reason"] = r.Reason,
                        ["total_tokens"] = r.TotalTokens, ["sequential_tokens"] = r.SequentialTokens, ["threads"] = r.Threads, ["elapsed_ms"] = Math.Round(r.ElapsedMilliseconds, 1),
                        ["parallel"] = width, ["engine_threads"] = recordedThreads, ["kv_dtype"] = kvName,
                        ["prm_calls"] = r.PrmCalls,
                        ["machine"] = MachineDescription.Current,
                    };
                    if (r.Search is { } search)
                    {
                        record["prm"] = prmName;
                        record["budget_tokens"] = options.SearchTokens;
                        record["stop_reason"] = search.StopReason.ToString();
                        record["expansions"] = search.Expansions;
                        record["states"] = search.Tree.Count;
                        record["prm_batches"] = search.PrmBatches;
                    }
                    results.Append(record);
                    lock (records)
                        records.Add(record);
                    progress.Finished(started, r.TotalTokens, verdict.Correct);
                });
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                progress.Dispose();
                Console.Error.WriteLine($"interrupted: {records.Count} of {list.Count} records written to {outPath}; --resume continues.");
                return Interruption.ExitCode;
            }
            progress.Dispose();
            if (records.Count == 0)
            {
                Console.Error.WriteLine("no problems evaluated.");
                return 0;
            }
            var summary = EvaluationSummary.FromRecords(records, outPath);
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

    /// <summary>Why a record read on resume is not one of these problems (its index is past them, or its problem differs).</summary>
    private static string? BelongsTo(JsonObject record, IReadOnlyList<CountdownProblem> problems)
    {
        int index = record["index"]!.GetValue<int>();
        if (index < 0 || index >= problems.Count)
            return $"index {index} is past the {problems.Count} problems of --problems";
        if (record["numbers"] is not JsonArray numbers || record["target"] is not JsonValue target)
            return null;   // a record without its problem cannot be checked; the problems file's hash in the header covers it
        var expected = problems[index];
        bool same = target.ToJsonString() == expected.Target.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && numbers.Select(x => x?.ToJsonString()).SequenceEqual(expected.Numbers.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return same ? null : $"its problem is {numbers.ToJsonString()} -> {target.ToJsonString()}, but problem {index + 1} of --problems is {PythonList(expected)}";
    }

    private static string Lines(int n) => n == 1 ? "1 line" : $"{n} lines";

    private static string PythonList(CountdownProblem p) => $"[{string.Join(",", p.Numbers)}] -> {p.Target}";

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
                    var summary = EvaluationSummary.Load(path);
                    if (summary.Rejected.Count > 0)
                        Terminal.Warn($"{path}: {Lines(summary.Rejected.Count)} {(summary.Rejected.Count == 1 ? "is not a record" : "are not records")} (line{(summary.Rejected.Count == 1 ? "" : "s")} "
                            + $"{string.Join(", ", summary.Rejected.Select(r => r.Line))}); left out of the figures.");
                    return summary;
                }
                catch (ArgumentException e)
                {
                    throw new InvalidRequestException(e.Message);
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
