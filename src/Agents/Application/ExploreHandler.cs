using Mediator;
using Reasoning.Orchestrator;
using Reasoning.Search;

namespace Reasoning.Agents.Application;

/// <summary>Runs <see cref="Explore"/>: N traces forked from the prompt (the cons@N machinery), every one returned.</summary>
/// <param name="host">The host's defaults (model folder, engine settings, wall time).</param>
public sealed class ExploreHandler(ReasoningHostOptions host) : IRequestHandler<Explore, ExploreResult>
{
    /// <inheritdoc />
    public async ValueTask<ExploreResult> Handle(Explore request, CancellationToken cancellationToken)
    {
        request.Validate();
        var problem = CountdownQuestion.TryParse(request.Question);
        IReasoningTask task = problem is null ? new QuestionTask(request.Question) : new CountdownReasoningTask(problem);
        string dir = problem is null
            ? ReasonHandler.GeneralModel(request.Model ?? host.ModelDirectory, "explore")
            : ShippedModels.Locate(request.Model ?? host.ModelDirectory, ShippedModels.Sos);
        using var session = ModelSession.Open(dir, request.Engine ?? host.Engine);
        int window = problem is null ? session.Window : CountdownRules.Context(request.Budget, session.Window);
        int maxTokens = problem is null ? ReasonHandler.TextBudget(request.Budget, session.Window) : window;
        var run = await StrategyExecution.RunAsync(session, task, new ConsensusStrategy(request.N, ConsensusMode.Majority), window, maxTokens,
            request.N + 1, request.Temperature ?? Explore.DefaultTemperature, request.Seed, host.WallTime, request.Progress, cancellationToken).ConfigureAwait(false);
        var outcome = run.Outcome;
        var thoughts = outcome.Candidates.Select((c, i) => new Thought(i, run.Continuations[i], outcome.Answers[i], problem is null ? null : task.Verify(c.Text))).ToList();
        return new ExploreResult(problem is null ? "text" : "countdown", thoughts, outcome.Chosen >= 0 ? outcome.Answers[outcome.Chosen] : null, run.TotalTokens, run.Threads);
    }
}
