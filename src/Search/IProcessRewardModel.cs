namespace Reasoning.Search;

/// <summary>A partial solution: the problem's prompt and the steps written so far.</summary>
/// <param name="Prompt">The problem.</param>
/// <param name="Steps">The steps, in order, each as its text.</param>
public sealed record PartialSolution(string Prompt, IReadOnlyList<string> Steps);

/// <summary>
/// A process reward model: scores each step of partial solutions, 1 for a step that leads towards a solution and 0
/// for one that does not. A language-model PRM reads a two-class softmax at each step separator; a verifier PRM checks
/// steps a task can check (Countdown's arithmetic). A* decoding uses <c>h = 1 − score</c> of a state's last step.
/// </summary>
public interface IProcessRewardModel
{
    /// <summary>
    /// For each solution, one score in [0, 1] per step, in order. Solutions are scored together so a model PRM can
    /// batch them; <see cref="ProcessRewards.Validate"/> checks a result's shape and range.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default);
}

/// <summary>Checks on what a process reward model returns.</summary>
public static class ProcessRewards
{
    /// <summary>Returns <paramref name="scores"/> when it holds one list per solution, one score per step, each in [0, 1].</summary>
    /// <exception cref="InvalidScoreException">The shape or a value is wrong; the message names the solution and step.</exception>
    public static IReadOnlyList<IReadOnlyList<double>> Validate(IReadOnlyList<PartialSolution> solutions, IReadOnlyList<IReadOnlyList<double>> scores)
    {
        if (scores.Count != solutions.Count)
            throw new InvalidScoreException($"the reward model returned scores for {scores.Count} solutions; {solutions.Count} were given.");
        for (int s = 0; s < solutions.Count; s++)
        {
            if (scores[s].Count != solutions[s].Steps.Count)
                throw new InvalidScoreException($"solution {s} has {solutions[s].Steps.Count} steps; the reward model returned {scores[s].Count} scores.");
            for (int k = 0; k < scores[s].Count; k++)
                if (!(scores[s][k] is >= 0 and <= 1))
                    throw new InvalidScoreException($"solution {s}, step {k}: score {scores[s][k]} is not in [0, 1].");
        }
        return scores;
    }
}
