namespace Reasoning.Tasks.Countdown;

/// <summary>Why a solution failed the check.</summary>
public enum CheckFailure
{
    /// <summary>The solution is valid.</summary>
    None,
    /// <summary>No steps were given.</summary>
    Empty,
    /// <summary>A step is not of the form <c>a op b=c</c>.</summary>
    Malformed,
    /// <summary>An operand is not among the numbers available at that step.</summary>
    OperandMissing,
    /// <summary>The stated result is not what the operation gives.</summary>
    WrongResult,
    /// <summary>A subtraction would go negative (write larger−smaller).</summary>
    NegativeSubtraction,
    /// <summary>A division by zero.</summary>
    DivisionByZero,
    /// <summary>A division that leaves a remainder, or divides the smaller by the larger.</summary>
    InexactDivision,
    /// <summary>All steps are valid but they do not end with exactly the target left.</summary>
    NotAtTarget,
}

/// <summary>The verdict of <see cref="SolutionChecker"/>: valid, or which step failed and why.</summary>
/// <param name="Failure">The kind of failure, <see cref="CheckFailure.None"/> when valid.</param>
/// <param name="StepIndex">The 0-based index of the failing step; -1 when valid or when no single step is at fault.</param>
/// <param name="Message">A sentence naming the step, what was wrong and the numbers available.</param>
/// <param name="Remaining">The numbers left after the last step that was applied.</param>
public sealed record CheckResult(CheckFailure Failure, int StepIndex, string Message, IReadOnlyList<long> Remaining)
{
    /// <summary>True when every step is valid and the numbers end as exactly <c>[target]</c>.</summary>
    public bool IsValid => Failure == CheckFailure.None;
}
