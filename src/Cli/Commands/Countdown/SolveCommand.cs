using System.CommandLine;
using Reasoning.Engine.Errors;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Reasoning.Agents.Application;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Spectre.Console;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary><c>reason countdown solve</c>: the main job — a shipped Countdown model solves one problem, live.</summary>
internal static class SolveCommand
{
    public static Command Create()
    {
        var numbers = new Option<string>("--numbers") { Description = $"The numbers, comma-separated ({CountdownLimits.MinNumbers} to {CountdownLimits.MaxNumbers}, e.g. 44,19,35,73).", Required = true };
        var target = new Option<int>("--target") { Description = "The target.", Required = true };
        var strategy = new Option<string>("--strategy") { Description = "apr, sos, cons@N, pass@N, or a step-level search over SoS+ lines: astar, bon@N, beam@W or pf@N.", DefaultValueFactory = _ => "apr" };
        var model = new Option<string?>("--model") { Description = "Model folder (default: the shipped models/countdown-apr, or countdown-sos for the other strategies)." };
        var prm = SearchCliOptions.Prm();
        var budgetTokens = SearchCliOptions.Tokens();
        var budgetPrm = SearchCliOptions.PrmCalls();
        var children = SearchCliOptions.Children();
        var temperature = new Option<float>("--temperature") { Description = "0 is greedy (a step-level search then samples its steps at 0.5).", DefaultValueFactory = _ => 0f };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random streams." };
        var context = new Option<int>("--context") { Description = $"Context window of each thread, in tokens ({CountdownLimits.MinContext} to the model's window).", DefaultValueFactory = _ => 4096 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var threads = new Option<int>("--threads") { Description = "Engine compute threads (0: one per core; more than the cores is capped)." };
        var kvDType = KvOptions.DType();
        var kvMemory = KvOptions.Memory("1GiB");
        var cmd = new Command("solve", "Solve one Countdown problem with a model, showing the reasoning tree as it grows.");
        foreach (var o in new Option[] { numbers, target, strategy, model, prm, budgetTokens, budgetPrm, children, temperature, seed, context, json, threads, kvDType, kvMemory })
            cmd.Options.Add(o);
        cmd.SetAction(async (p, ct) =>
        {
            var problem = ParseProblem(p.GetValue(numbers)!, p.GetValue(target));
            var strat = CountdownStrategy.Parse(p.GetValue(strategy)!);
            CountdownLimits.CheckTemperature(p.GetValue(temperature));
            SearchCliOptions.CheckBudgets(p.GetValue(budgetTokens), p.GetValue(budgetPrm), p.GetValue(children));
            var reward = SearchCliOptions.Resolve(p.GetValue(prm)!);
            int engineThreads = CountdownLimits.Threads(p.GetValue(threads));
            var kvType = KvOptions.Parse(p.GetValue(kvDType)!);
            long kvBytes = ByteSize.Parse(p.GetValue(kvMemory)!);
            using var services = ReasoningServices.Build();
            var sender = services.GetRequiredService<ISender>();
            var request = new SolveCountdown(problem.Numbers, problem.Target, strat.ToString())
            {
                Model = p.GetValue(model), Temperature = p.GetValue(temperature), Seed = p.GetValue(seed),
                Context = p.GetResult(context) is null or { Implicit: true } ? null : p.GetValue(context),
                Engine = new EngineSettings { KvMemoryBytes = kvBytes, Threads = engineThreads, KvDType = kvType },
                OnWarning = Terminal.Warn,
                SearchTokens = p.GetValue(budgetTokens), SearchPrmCalls = p.GetValue(budgetPrm), Reward = reward, SearchChildren = p.GetValue(children),
            };
            bool asJson = p.GetValue(json);
            SolveCountdownResult answer;
            try
            {
                answer = asJson || !Terminal.Live
                    ? await sender.Send(request, ct)
                    : strat.IsStepSearch
                        // A search's states are forks of forks, hundreds deep: a thread tree would be unreadable, so the
                        // live view counts states and tokens, and the frontier with its scores is printed at the end.
                        ? await LiveSearch.RunAsync(run => sender.Send(request with { OnStart = run }, ct).AsTask(), request.SearchTokens, Console.Out)
                        : await LiveTree.RunAsync(run => sender.Send(request with { OnStart = run }, ct).AsTask(), Console.Out, Terminal.Styled);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("interrupted: the solve was stopped before it ended; nothing was written.");
                return Interruption.ExitCode;
            }
            var (result, verdict) = (answer.Solve, answer.Verdict);
            if (asJson)
                Console.WriteLine(answer.ToJsonString());
            else
                Print(problem, strat, result, verdict);
            return 0;
        });
        return cmd;
    }

    private static CountdownProblem ParseProblem(string numbers, int target)
    {
        var parts = numbers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Any(x => !int.TryParse(x, out int v) || v < 1 || v > CountdownLimits.MaxValue))
            throw new InvalidRequestException($"--numbers '{numbers}' must be {CountdownLimits.MinNumbers} to {CountdownLimits.MaxNumbers} whole numbers from 1 to {CountdownLimits.MaxValue:N0} separated by commas, e.g. 44,19,35,73.");
        CountdownLimits.CheckCount(parts.Length, $"--numbers '{numbers}'");
        if (target is < 1 or > CountdownLimits.MaxValue)
            throw new InvalidRequestException($"--target {target} must be from 1 to {CountdownLimits.MaxValue:N0}.");
        return new CountdownProblem(parts.Select(int.Parse).ToArray(), target);
    }

    private static void Print(CountdownProblem problem, CountdownStrategy strategy, CountdownSolveResult r, SolveVerdict verdict)
    {
        Terminal.MarkupLine($"[bold]{string.Join(", ", problem.Numbers)} → {problem.Target}[/] ({strategy})");
        if (r.Solution is not null)
            foreach (var step in r.Solution)
                Terminal.MarkupLine($"  {Markup.Escape(step)}");
        string line = (r.Verified, verdict.Solvable, verdict.SaysNoSolution) switch
        {
            (true, _, _) => "[green]verified by the checker[/]",
            (_, false, true) => "[green]right: the problem has no solution (exhaustive search proves it), and the model says so[/]",
            (_, false, false) => $"[yellow]the problem has no solution (exhaustive search proves it)[/]; the model: {Markup.Escape(r.Reason ?? "")}",
            _ => $"[red]not verified[/]: {Markup.Escape(r.Reason ?? "")}",
        };
        Terminal.MarkupLine(line);
        if (r.Search is { } search)
        {
            PrintFrontier(search);
            Terminal.MarkupLine($"total tokens {r.TotalTokens}, path tokens {r.SequentialTokens}, states {search.Tree.Count}, expansions {search.Expansions}, "
                + $"PRM calls {search.PrmCalls} in {search.PrmBatches} batches, stopped: {search.StopReason}, {r.ElapsedMilliseconds / 1000:0.00} s");
            return;
        }
        Terminal.MarkupLine($"total tokens {r.TotalTokens}, sequential tokens {r.SequentialTokens}, threads {r.Threads}, {r.ElapsedMilliseconds / 1000:0.00} s");
    }

    /// <summary>The chosen state and the best open states (least f), each with its scores and its last line.</summary>
    private static void PrintFrontier(Reasoning.Search.SearchResult search)
    {
        var open = search.Tree.Where(n => n.Open).OrderBy(n => n.F).ThenByDescending(n => n.Depth).Take(5).ToList();
        Terminal.MarkupLine($"[bold]frontier[/] ({search.Tree.Count(n => n.Open)} open states; chosen #{search.ChosenId}):");
        foreach (var n in search.Tree.Where(n => n.Id == search.ChosenId).Concat(open.Where(n => n.Id != search.ChosenId)))
        {
            string last = n.StepText.TrimEnd('\n');
            last = last.Length > 60 ? "…" + last[^59..] : last;
            Terminal.MarkupLine($"  #{n.Id,-5} depth {n.Depth,4}  f {n.F:0.000}  score {n.Score?.ToString("0.000") ?? "-",5}{(n.IsGoal ? "  [green]goal[/]" : "")}  {Markup.Escape(last.Replace("\n", "⏎"))}");
        }
    }
}
