using Mediator;
using Reasoning.Engine.Errors;
using Reasoning.Orchestrator;
using Reasoning.Search;

namespace Reasoning.Agents.Application;

/// <summary>Runs <see cref="Reason"/>: a Countdown question through <see cref="SolveCountdownHandler"/>, any other as plain generation by sos or cons@N.</summary>
/// <param name="host">The host's defaults (model folder, engine settings, wall time).</param>
public sealed class ReasonHandler(ReasoningHostOptions host) : IRequestHandler<Reason, ReasonResult>
{
    /// <inheritdoc />
    public async ValueTask<ReasonResult> Handle(Reason request, CancellationToken cancellationToken)
    {
        request.Validate();
        if (CountdownQuestion.TryParse(request.Question) is { } problem)
            return await CountdownAsync(request, problem, cancellationToken).ConfigureAwait(false);

        string dir = GeneralModel(request.Model ?? host.ModelDirectory, "reason");
        var name = StrategyRegistry.Default.Parse(request.Strategy ?? "sos");
        if (name.Family is not ("sos" or "cons"))
            throw new InvalidRequestException($"strategy '{request.Strategy}' does not answer a general question: APR needs a model trained to spawn, and pass@N an answer checker; use sos (one greedy answer) or cons@N (majority of N samples).");
        using var session = ModelSession.Open(dir, request.Engine ?? host.Engine);
        int budget = TextBudget(request.Budget, session.Window);
        int traces = name.Count ?? 1;
        float temperature = request.Temperature ?? (name.Family == "cons" ? 0.7f : 0f);
        var strategy = name.Family == "cons" ? new ConsensusStrategy(traces, ConsensusMode.Majority) : (IReasoningStrategy)new SerialStrategy();
        var run = await StrategyExecution.RunAsync(session, new QuestionTask(request.Question), strategy, session.Window, budget,
            name.Family == "cons" ? traces + 1 : 1, temperature, request.Seed, host.WallTime, request.Progress, cancellationToken).ConfigureAwait(false);
        var outcome = run.Outcome;
        string? answer = outcome.Chosen >= 0 ? outcome.Answers[outcome.Chosen] : null;
        string how = name.Family == "cons"
            ? $"{outcome.Answers.Count(a => a is not null && a == answer)} of {traces} samples agree on the answer (the last line of each)"
            : $"the answer is the last line of one {(temperature == 0 ? "greedy" : "sampled")} continuation";
        return new ReasonResult("text", name.ToString(), answer, null, $"{name}: {Counted(run.Threads, "thread")}, {run.TotalTokens} tokens; {how}.",
            run.TotalTokens, run.SequentialTokens, run.Threads, outcome.Answers);
    }

    private async Task<ReasonResult> CountdownAsync(Reason request, Tasks.Countdown.CountdownProblem problem, CancellationToken cancellationToken)
    {
        if (request.Budget is < CountdownRules.MinContext)
            throw new InvalidRequestException($"budget {request.Budget} is below {CountdownRules.MinContext} tokens, too few for a Countdown trace; give e.g. 4096.");
        var solve = new SolveCountdown(problem.Numbers, problem.Target, request.Strategy ?? "apr")
        {
            Model = request.Model, Temperature = request.Temperature ?? 0f, Seed = request.Seed, Context = request.Budget, Engine = request.Engine, Progress = request.Progress,
        };
        solve.Validate();
        var r = await new SolveCountdownHandler(host).Handle(solve, cancellationToken).ConfigureAwait(false);
        var s = r.Solve;
        string? answer = s.Solution is { } steps ? string.Join(", ", steps) : r.Verdict.SaysNoSolution ? "No solution found." : null;
        string verdict = (s.Verified, r.Verdict.Solvable, r.Verdict.SaysNoSolution) switch
        {
            (true, _, _) => "verified by the checker",
            (_, false, true) => "right: the problem has no solution and the model says so",
            _ => $"not verified: {s.Reason}",
        };
        return new ReasonResult("countdown", r.Strategy.ToString(), answer, s.Verified || r.Verdict.Correct,
            $"{r.Strategy} on {problem}: {Counted(s.Threads, "thread")}, {s.TotalTokens} tokens ({s.SequentialTokens} sequential); {verdict}.",
            s.TotalTokens, s.SequentialTokens, s.Threads, [answer]);
    }

    /// <summary>The general model's folder; refuses none with what to do.</summary>
    internal static string GeneralModel(string? dir, string what) => dir ?? throw new InvalidRequestException(
        $"{what} on a general question needs a model folder (--model DIR, or a host's ModelDirectory); the shipped Countdown models only answer Countdown questions such as 'numbers 44,19,35,73 target 98'.");

    /// <summary>New tokens per thread for a general question; refuses more than the model's window.</summary>
    internal static int TextBudget(int? budget, int window)
    {
        int b = budget ?? Math.Min(Reason.DefaultTextBudget, window);
        if (b > window)
            throw new InvalidRequestException($"budget {b} is more than the model's window of {window} tokens; give at most {window}.");
        return b;
    }

    internal static string Counted(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
