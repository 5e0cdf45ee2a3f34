using Mediator;
using Reasoning.Evaluation.Countdown;

namespace Reasoning.Agents.Application;

/// <summary>Runs <see cref="SolveCountdown"/> on the Evaluation's <see cref="CountdownSolver"/>, as the CLI always has.</summary>
/// <param name="host">The host's defaults (model folder, engine settings).</param>
public sealed class SolveCountdownHandler(ReasoningHostOptions host) : IRequestHandler<SolveCountdown, SolveCountdownResult>
{
    /// <inheritdoc />
    public async ValueTask<SolveCountdownResult> Handle(SolveCountdown request, CancellationToken cancellationToken)
    {
        var problem = CountdownRules.Problem(request.Numbers, request.Target);
        var strategy = CountdownStrategy.Parse(request.Strategy);
        var warnings = new List<string>();
        if (!CountdownRules.InTrainingRange(problem))
            warnings.Add($"{problem} is outside the shipped models' training range ({CountdownRules.TrainingRange}); expect a poor answer.");
        string dir = ShippedModels.Locate(request.Model ?? host.ModelDirectory, strategy.Kind == StrategyKind.Apr ? ShippedModels.Apr : ShippedModels.Sos);
        using var session = ModelSession.Open(dir, request.Engine ?? host.Engine);
        int window = CountdownRules.Context(request.Context, session.Window);
        var options = new SolveOptions { Strategy = strategy, Temperature = request.Temperature, Seed = request.Seed, ContextWindow = window, WallTime = host.WallTime,
            SearchTokens = request.SearchTokens, SearchPrmCalls = request.SearchPrmCalls, SearchChildren = request.SearchChildren, Reward = request.Reward,
        };
        foreach (var warning in warnings)
            request.OnWarning?.Invoke(warning);
        Task watcher = Task.CompletedTask;
        Action<Threads.ThreadRun>? onStart = request.OnStart;
        if (onStart is null && request.Progress is { } progress)
            onStart = run => watcher = ProgressWatcher.Watch(run, progress);
        var result = await CountdownSolver.SolveAsync(session.Engine, session.Codec, problem, options, onStart, cancellationToken).ConfigureAwait(false);
        await watcher.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();   // a cut-short run is never returned as an answer
        return new SolveCountdownResult(problem, strategy, result, SolveVerdict.Of(problem, result), warnings);
    }
}
