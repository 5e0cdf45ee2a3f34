namespace Reasoning.Tasks.Countdown;

/// <summary>How a thread's text ends.</summary>
public enum TraceOutcome
{
    /// <summary>It holds <c>Goal Reached</c> at least twice: a result path follows the second-to-last.</summary>
    Solved,
    /// <summary>It ends with a spawn block and waits for its children.</summary>
    Spawning,
    /// <summary>It ends with <c>No solution found.</c></summary>
    Failed,
    /// <summary>It stops anywhere else (cut off by a budget, or still being written).</summary>
    Incomplete,
}

/// <summary>A child request in a spawn block.</summary>
/// <param name="Index">The child's index in the block.</param>
/// <param name="Level">The level it runs at (1).</param>
/// <param name="NodeId">The node it starts from.</param>
public sealed record SpawnRequest(int Index, int Level, string NodeId);

/// <summary>A child's outcome in a join block, with the path it returned (null when it found none).</summary>
/// <param name="Index">The child's index.</param>
/// <param name="Level">Its level.</param>
/// <param name="NodeId">The node it started from.</param>
/// <param name="Result">The restated path, as placed in the join block without its final newline; null for no solution.</param>
public sealed record JoinEntry(int Index, int Level, string NodeId, string? Result);

/// <summary>What <see cref="TraceParser"/> recovers from one thread's text.</summary>
/// <param name="ConditionPrefix">A leading <c>Sub Call Budget: n </c> or <c>Token Budget: n </c>, or null.</param>
/// <param name="Lines">Every line, parsed.</param>
/// <param name="EndsWithNewline">Whether the text ended with a newline.</param>
/// <param name="StartNodeId">The node of a leading <c>Moving to Node</c> (APR threads), or null (SoS+).</param>
/// <param name="Target">The target from the first <c>Current State</c>.</param>
/// <param name="StartNumbers">The numbers of the first <c>Current State</c>.</param>
/// <param name="StartOperations">The operations of the first <c>Current State</c> (non-empty for children).</param>
/// <param name="Joins">The join blocks, in order.</param>
/// <param name="PendingSpawn">The children requested by a final spawn block, or null.</param>
/// <param name="Outcome">How the text ends.</param>
/// <param name="Result">The text after the second-to-last <c>Goal Reached</c> (APR's rule), or null.</param>
/// <param name="Solution">Steps from the root problem to the target read from the result path, or null.</param>
/// <param name="SolutionError">Why no solution could be read from a result that exists, or null.</param>
public sealed record ParsedTrace(
    string? ConditionPrefix,
    IReadOnlyList<TraceLine> Lines,
    bool EndsWithNewline,
    string? StartNodeId,
    int Target,
    IReadOnlyList<long> StartNumbers,
    IReadOnlyList<string> StartOperations,
    IReadOnlyList<IReadOnlyList<JoinEntry>> Joins,
    IReadOnlyList<SpawnRequest>? PendingSpawn,
    TraceOutcome Outcome,
    string? Result,
    IReadOnlyList<string>? Solution,
    string? SolutionError)
{
    /// <summary>Writes the trace back from its parsed lines, in APR's exact format.</summary>
    public string Render() =>
        (ConditionPrefix ?? "") + string.Join("\n", Lines.Select(l => l.Render())) + (EndsWithNewline ? "\n" : "");

    /// <summary>Checks the solution against <paramref name="problem"/> (the root problem, also for a child's trace).</summary>
    public CheckResult Check(CountdownProblem problem)
    {
        if (Solution is not null) return SolutionChecker.Check(problem, Solution);
        var why = SolutionError ?? Outcome switch
        {
            TraceOutcome.Failed => "the trace ends with 'No solution found.'",
            TraceOutcome.Spawning => "the trace ends in a spawn block and has no result yet",
            _ => "the trace stops before reaching a goal (no second 'Goal Reached')",
        };
        return new CheckResult(CheckFailure.Empty, -1, $"no solution to check: {why}.", problem.Numbers.Select(n => (long)n).ToArray());
    }
}
