// Runs APR (spawn()/join()) on one Countdown problem with the shipped model: loads the model, streams the run's
// events as the parent spawns children that decode in one batch, then reads the reasoning tree.
// Usage: dotnet run --project examples/AprCountdown -c Release -- [model folder] [numbers] [target]
using System.Text.Json;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation.Countdown;
using Reasoning.Orchestrator.Apr;
using Reasoning.Tasks.Countdown;
using Reasoning.Threads;

string modelDir = args.Length > 0 ? args[0] : Path.Combine("models", "countdown-apr");
int[] numbers = args.Length > 1 ? args[1].Split(',').Select(int.Parse).ToArray() : [11, 3, 94, 50];
int target = args.Length > 2 ? int.Parse(args[2]) : 36;   // one the shipped model solves (the README's first command)
var problem = CountdownProblem.FromJson(JsonSerializer.Serialize(new { numbers, target }), "arguments");

// 1. The model, its tokenizer and an engine with 256 MiB of KV pages.
using var model = TransformerModel.Load(modelDir);
var codec = new TokenizerCodec(Tokenizer.Load(modelDir));
using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 256L << 20 });

// 2. A run: the threads share its budgets; cancelling it frees every KV page of every thread.
using var run = new ThreadRun(engine, codec, new ThreadBudget { ContextWindow = 4096, MaxThreads = 256, MaxFanOut = 64, MaxDepth = 1 });

// 3. Follow the events while APR runs: threads start, spawn, join and end.
var follow = Task.Run(async () =>
{
    await foreach (var e in run.Events)
        switch (e)
        {
            case ThreadStarted s: Console.WriteLine($"{e.ElapsedMilliseconds,8:0} ms  thread {s.ThreadId} '{s.Name}' started (parent {s.ParentId?.ToString() ?? "-"})"); break;
            case ThreadsSpawned s: Console.WriteLine($"{e.ElapsedMilliseconds,8:0} ms  thread {s.ThreadId} spawned {s.ChildIds.Count} children"); break;
            case ThreadsJoined j: Console.WriteLine($"{e.ElapsedMilliseconds,8:0} ms  thread {j.ThreadId} joined {j.ChildIds.Count} children"); break;
            case ThreadEnded x: Console.WriteLine($"{e.ElapsedMilliseconds,8:0} ms  thread {x.ThreadId} ended: {x.Status}{(x.Reason is null ? "" : " (" + x.Reason + ")")}"); break;
        }
});

var generation = new ThreadGenerationOptions { MaxTokens = 4096, Temperature = 0f };
var result = await AprProtocol.RunAsync(run, CountdownPrompts.Apr(problem), new CountdownAprTask(),
    new AprOptions { Parent = generation, Child = generation });

// 4. The root's text holds the final answer; the checker decides whether it is right.
var parsed = TraceParser.TryParse(result.Root.Text, out string? error);
var solution = parsed?.Solution;
Console.WriteLine();
Console.WriteLine(solution is null
    ? $"no solution stated ({result.FailureReason ?? parsed?.SolutionError ?? error})"
    : $"{string.Join(", ", solution)}: {(SolutionChecker.Check(problem, solution).IsValid ? "verified" : "rejected")} by the checker");
Console.WriteLine($"{result.Rounds} rounds, {run.Threads.Count} threads, {run.TotalTokens} tokens in all, {run.SequentialTokens} on the longest causal chain");

// 5. The tree as JSON: every thread with its parent, text, tokens, times and status.
string treeFile = Path.Combine(Path.GetTempPath(), "apr-tree.json");
File.WriteAllText(treeFile, ReasoningTree.ToJson(result.Root).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"tree written to {treeFile}");
run.Dispose();   // ends the event stream
await follow;
