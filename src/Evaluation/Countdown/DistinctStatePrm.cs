using Reasoning.Search;

namespace Reasoning.Evaluation.Countdown;

/// <summary>
/// Wraps a process reward model for one search so that a state whose text (prompt and steps) was scored before gets 0
/// on its last step: a duplicate. Sampling a line of a Countdown trace k times often writes the same line k times (most
/// lines follow from the ones before), and a best-first search would otherwise expand every copy, each into k more
/// copies. With the copies at 0 the search expands one of them and, when that path ends, goes back to a real
/// alternative. Use one instance per search: it remembers every text it scored.
/// </summary>
/// <param name="inner">The reward model that scores the states.</param>
public sealed class DistinctStatePrm(IProcessRewardModel inner) : IProcessRewardModel
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>States scored 0 because their text was scored before.</summary>
    public int Duplicates { get; private set; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        var scores = ProcessRewards.Validate(solutions, await inner.ScoreStepsAsync(solutions, cancellationToken).ConfigureAwait(false));
        var result = new IReadOnlyList<double>[solutions.Count];
        lock (_lock)
        {
            for (int i = 0; i < solutions.Count; i++)
            {
                result[i] = scores[i];
                if (solutions[i].Steps.Count == 0 || _seen.Add(solutions[i].Prompt + string.Concat(solutions[i].Steps)))
                    continue;
                var copy = scores[i].ToArray();
                copy[^1] = 0;
                result[i] = copy;
                Duplicates++;
            }
        }
        return result;
    }
}
