using Reasoning.Search;

namespace Reasoning.Evaluation.Countdown;

/// <summary>
/// Wraps a process reward model for one search so that a state whose text (prompt and steps) was scored in an
/// earlier call gets 0 on its last step. Sampling a line of a Countdown trace k times often writes the same line k
/// times (most lines follow from the ones before). Copies within one call keep their score: they are the state's
/// retries — when the first copy's children all fail, the search expands the next copy, which samples the line again.
/// A retry's children that repeat a text already scored are the ones at 0, so retries cannot multiply from level to
/// level. Use one instance per search: it remembers every text it scored.
/// </summary>
/// <param name="inner">The reward model that scores the states.</param>
public sealed class DistinctStatePrm(IProcessRewardModel inner) : IProcessRewardModel
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>States scored 0 because their text was scored in an earlier call.</summary>
    public int Duplicates { get; private set; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default)
    {
        var scores = ProcessRewards.Validate(solutions, await inner.ScoreStepsAsync(solutions, cancellationToken).ConfigureAwait(false));
        var result = new IReadOnlyList<double>[solutions.Count];
        var texts = solutions.Select(s => s.Prompt + string.Concat(s.Steps)).ToArray();
        lock (_lock)
        {
            for (int i = 0; i < solutions.Count; i++)
            {
                result[i] = scores[i];
                if (solutions[i].Steps.Count == 0 || !_seen.Contains(texts[i]))
                    continue;
                var copy = scores[i].ToArray();
                copy[^1] = 0;
                result[i] = copy;
                Duplicates++;
            }
            _seen.UnionWith(texts);
        }
        return result;
    }
}
