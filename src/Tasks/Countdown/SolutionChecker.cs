namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Replays a solution step by step with exact integer arithmetic: both operands present in the current multiset,
/// the result right, subtraction non-negative, division exact (larger by smaller), ending with exactly the target.
/// </summary>
public static class SolutionChecker
{
    /// <summary>Checks step strings like <c>44+19=63</c>.</summary>
    public static CheckResult Check(CountdownProblem problem, IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(steps);
        var parsed = new List<CountdownStep>(steps.Count);
        for (int i = 0; i < steps.Count; i++)
        {
            if (!CountdownStep.TryParse(steps[i], out var step))
                return new CheckResult(CheckFailure.Malformed, i,
                    $"step {i + 1} '{steps[i]}' is not an operation like 44+19=63.", problem.Numbers.Select(n => (long)n).ToArray());
            parsed.Add(step);
        }
        return Check(problem, parsed);
    }

    /// <summary>Checks parsed steps.</summary>
    public static CheckResult Check(CountdownProblem problem, IReadOnlyList<CountdownStep> steps)
    {
        var numbers = problem.Numbers.Select(n => (long)n).ToList();
        if (steps.Count == 0)
            return new CheckResult(CheckFailure.Empty, -1, $"no steps given for {problem}.", numbers);
        for (int i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var where = $"step {i + 1} '{s}'";
            var available = PythonLiteral.Numbers(numbers);
            var rest = new List<long>(numbers);
            if (!rest.Remove(s.Left))
                return Fail(CheckFailure.OperandMissing, i, $"{where}: {s.Left} is not among the numbers {available}.", numbers);
            if (!rest.Remove(s.Right))
                return Fail(CheckFailure.OperandMissing, i, $"{where}: {s.Right} is not among the numbers left {available} once {s.Left} is used.", numbers);
            long? value = s.Operator switch
            {
                '+' => s.Left + s.Right,
                '*' => s.Left * s.Right,
                '-' => s.Left >= s.Right ? s.Left - s.Right : null,
                '/' => s.Right != 0 && s.Left >= s.Right && s.Left % s.Right == 0 ? s.Left / s.Right : null,
                _ => null,
            };
            if (value is null)
            {
                var (kind, why) = s.Operator switch
                {
                    '-' => (CheckFailure.NegativeSubtraction, $"{s.Left}-{s.Right} is negative; subtract the smaller from the larger."),
                    '/' when s.Right == 0 => (CheckFailure.DivisionByZero, "division by zero."),
                    _ => (CheckFailure.InexactDivision, $"{s.Left}/{s.Right} is not an exact division of the larger by the smaller."),
                };
                return Fail(kind, i, $"{where}: {why}", numbers);
            }
            if (value.Value != s.Result)
                return Fail(CheckFailure.WrongResult, i, $"{where}: {s.Left}{s.Operator}{s.Right} is {value.Value}, not {s.Result}.", numbers);
            rest.Add(value.Value);
            numbers = rest;
        }
        if (numbers.Count != 1 || numbers[0] != problem.Target)
            return Fail(CheckFailure.NotAtTarget, -1,
                $"after {steps.Count} valid steps the numbers are [{string.Join(", ", numbers)}], not [{problem.Target}]; use every number and end at the target.", numbers);
        return new CheckResult(CheckFailure.None, -1, $"valid: reaches {problem.Target}.", numbers);
    }

    private static CheckResult Fail(CheckFailure kind, int index, string message, List<long> numbers) =>
        new(kind, index, message, numbers.ToArray());
}
