using Reasoning.Search;

namespace Reasoning.Orchestrator;

/// <summary>
/// A task step-level search (A*, beam, particle filtering, best-of-N) can run on: where its steps end, the reward
/// model that scores them when the caller names none, and when a trace is a finished answer.
/// </summary>
public interface ISearchTask : IReasoningTask
{
    /// <summary>Where a step ends (its stop strings end each step's generation).</summary>
    IStepSplitter Splitter { get; }

    /// <summary>The task's own process reward model (a verifier for a task with checkable steps).</summary>
    IProcessRewardModel Reward { get; }

    /// <summary>Whether <paramref name="trace"/> (the prompt and what was generated) is a finished answer, ending the search.</summary>
    bool IsGoal(string trace);
}
