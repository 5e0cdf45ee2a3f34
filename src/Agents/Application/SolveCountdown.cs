using Mediator;
using Reasoning.Evaluation.Countdown;
using Reasoning.Threads;

namespace Reasoning.Agents.Application;

/// <summary>Solve one Countdown problem with a model, by a strategy (<c>apr</c>, <c>sos</c>, <c>cons@N</c>, <c>pass@N</c>, or a step-level search: <c>astar</c>, <c>bon@N</c>, <c>beam@W</c>, <c>pf@N</c>): what <c>reason countdown solve</c> does.</summary>
/// <param name="Numbers">The numbers (2 to 6, each 1 to 1,000,000).</param>
/// <param name="Target">The target (1 to 1,000,000).</param>
/// <param name="Strategy">The strategy's name.</param>
public sealed record SolveCountdown(IReadOnlyList<int> Numbers, int Target, string Strategy = "apr") : IRequest<SolveCountdownResult>, IValidatedRequest
{
    /// <summary>Model folder (null: the shipped countdown-apr for <c>apr</c>, countdown-sos otherwise, or the host's default model).</summary>
    public string? Model { get; init; }
    /// <summary>Sampling temperature (0: greedy).</summary>
    public float Temperature { get; init; }
    /// <summary>Seed of the run's random streams.</summary>
    public ulong Seed { get; init; }
    /// <summary>Context window of each thread (null: 4096 capped at the model's window).</summary>
    public int? Context { get; init; }
    /// <summary>How the engine is built (null: the host's settings).</summary>
    public EngineSettings? Engine { get; init; }
    /// <summary>Sees the run as it starts, to follow its events (the CLI's live tree); when set, <see cref="Progress"/> is not reported.</summary>
    public Action<ThreadRun>? OnStart { get; init; }
    /// <summary>Sees each warning once the model is loaded and before the run starts (they are also in the result's <see cref="SolveCountdownResult.Warnings"/>).</summary>
    public Action<string>? OnWarning { get; init; }
    /// <summary>Receives progress (threads, tokens) while the run goes on.</summary>
    public IProgress<RunProgress>? Progress { get; init; }
    /// <summary>A step-level search (<c>astar</c>, <c>bon@N</c>, <c>beam@W</c>, <c>pf@N</c>): tokens it may generate, all its states together.</summary>
    public long SearchTokens { get; init; } = 32_768;
    /// <summary>A step-level search: most reward-model calls (scored states); null for no bound.</summary>
    public int? SearchPrmCalls { get; init; }
    /// <summary>A step-level search: children an <c>astar</c> or <c>beam@W</c> expansion samples (null: 4).</summary>
    public int? SearchChildren { get; init; }
    /// <summary>A step-level search: its process reward model (null: the Countdown verifier).</summary>
    public Reasoning.Search.IProcessRewardModel? Reward { get; init; }

    /// <inheritdoc />
    public void Validate()
    {
        CountdownRules.Problem(Numbers, Target);
        CountdownStrategy.Parse(Strategy ?? "");
        CountdownRules.CheckTemperature(Temperature);
        if (Engine is not null)
            CountdownRules.CheckThreads(Engine.Threads);
        if (SearchTokens < 1)
            throw new Reasoning.Engine.Errors.InvalidRequestException($"a search budget of {SearchTokens} tokens must be at least 1; 32,768 a problem is the usual size.");
        if (SearchPrmCalls is < 1)
            throw new Reasoning.Engine.Errors.InvalidRequestException($"a search budget of {SearchPrmCalls} reward-model calls must be at least 1, or left out for no bound.");
        if (SearchChildren is < 1 or > 64)
            throw new Reasoning.Engine.Errors.InvalidRequestException($"{SearchChildren} children an expansion must be from 1 to 64.");
    }
}
