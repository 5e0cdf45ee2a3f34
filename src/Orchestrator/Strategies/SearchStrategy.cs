using Reasoning.Engine.Errors;
using Reasoning.Search;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>Settings of a step-level search strategy (<see cref="StrategyOptions.Search"/>).</summary>
public sealed record SearchStrategyOptions
{
    /// <summary>The search's bounds (tokens, reward-model calls, expansions, a step's tokens).</summary>
    public SearchBudget Budget { get; init; } = new();

    /// <summary>The process reward model; null: the task's own (<see cref="ISearchTask.Reward"/>).</summary>
    public IProcessRewardModel? Reward { get; init; }

    /// <summary>Children an A* or beam expansion samples; null: the strategy's default (4).</summary>
    public int? Children { get; init; }

    /// <summary>A*'s cost per step (λ in g = λ × depth); null: <see cref="AStarSearch"/>'s default.</summary>
    public double? StepCost { get; init; }

    /// <summary>Most open states A* keeps (the ones of greatest f are pruned); null: <see cref="AStarSearch.MaxOpen"/>'s default, bounded by the KV cache.</summary>
    public int? MaxOpen { get; init; }

    /// <summary>
    /// Sampling temperature of the steps when <see cref="StrategyOptions.Generation"/> asks for greedy decoding (0):
    /// the children of one state would all be equal, so a search samples at this temperature instead.
    /// </summary>
    public float DefaultTemperature { get; init; } = 1f;
}

/// <summary>
/// A step-level search (<see cref="ISearchMethod"/>) as a reasoning strategy: it searches from the task's serial
/// prompt with the task's step splitter and a process reward model, and reads the answer from the chosen path
/// (<see cref="StrategyResult.Search"/> holds the whole search: its tree, tokens and reward-model calls).
/// </summary>
/// <param name="name">The strategy's registry name (<c>astar</c>, <c>beam@4</c>, …).</param>
/// <param name="create">Makes the search method for one run's settings.</param>
public sealed class SearchStrategy(string name, Func<SearchStrategyOptions, ISearchMethod> create) : IReasoningStrategy
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    /// <exception cref="InvalidRequestException">The task does not define steps and a reward model (<see cref="ISearchTask"/>).</exception>
    public async Task<StrategyResult> RunAsync(ThreadRun run, IReasoningTask task, StrategyOptions options, CancellationToken cancellationToken = default)
    {
        if (task is not ISearchTask searchTask)
            throw new InvalidRequestException($"strategy '{name}' searches step by step; this task defines no steps and no reward model (it is not an {nameof(ISearchTask)}). Use apr, sos or cons@N.");
        var settings = options.Search;
        var method = create(settings);
        string prompt = task.Prompt(PromptStyle.Serial);
        var root = run.CreateRoot(prompt);
        float temperature = options.Generation.Temperature > 0 ? options.Generation.Temperature : settings.DefaultTemperature;
        var problem = new SearchProblem(root, searchTask.Splitter, settings.Reward ?? searchTask.Reward)
        {
            Prompt = prompt,
            IsGoal = generated => searchTask.IsGoal(prompt + generated),
            // An end of sequence is not an answer by itself: a trace that gives up ("No solution found.") ends there too.
            EndOfSequenceIsGoal = false,
            Sampling = new SearchSampling { Temperature = temperature, TopP = options.Generation.TopP, Seed = options.Generation.Seed },
        };
        var result = await method.SearchAsync(problem, settings.Budget, cancellationToken).ConfigureAwait(false);
        string trace = prompt + result.Text;
        string? failure = result.ReachedGoal ? null : $"the search stopped ({result.StopReason}) without reaching an answer";
        return new StrategyResult(root, trace, failure, 0, [root], [task.AnswerOf(trace)], 0) { Search = result };
    }
}
