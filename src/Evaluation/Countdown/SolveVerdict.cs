using Reasoning.Tasks.Countdown;

namespace Reasoning.Evaluation.Countdown;

/// <summary>
/// Whether a solve is right: a verified solution, or — for a problem that exhaustive search proves has none — a model
/// that says "No solution found.". The checker alone cannot verify the second, so without this a correct answer read
/// as a failure.
/// </summary>
/// <param name="Solvable">Whether the problem has a solution; null where the proof would take too long (6 numbers) or overflow.</param>
/// <param name="SaysNoSolution">The model's trace ends with <c>No solution found.</c></param>
/// <param name="Correct">Verified, or unsolvable and the model says so.</param>
public sealed record SolveVerdict(bool? Solvable, bool SaysNoSolution, bool Correct)
{
    /// <summary>Judges <paramref name="result"/>; the exhaustive search runs only when nothing verified.</summary>
    public static SolveVerdict Of(CountdownProblem problem, CountdownSolveResult result)
    {
        bool saysNone = !result.Solved && (result.Trace ?? "").TrimEnd().EndsWith(TraceText.SearchFailed, StringComparison.Ordinal);
        if (result.Verified)
            return new SolveVerdict(true, false, true);
        bool? solvable = Provable(problem) ? BruteForceSolver.IsSolvable(problem) : null;
        return new SolveVerdict(solvable, saysNone, solvable == false && saysNone);
    }

    /// <summary>
    /// The proof is cheap up to 5 numbers (under a million nodes) and exact while every value fits in a long; 6 numbers
    /// take minutes when no solution exists.
    /// </summary>
    private static bool Provable(CountdownProblem problem) =>
        problem.Numbers.Count <= 5 && problem.Numbers.Aggregate(1.0, (p, n) => p * Math.Max(1, n)) < 1e15;
}
