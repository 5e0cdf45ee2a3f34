namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Exhaustive Countdown solver, the independent reference for tests: tries every ordered pair and every
/// operation (its own arithmetic, not the search's), so "no solution" is a proof over the whole tree.
/// </summary>
public static class BruteForceSolver
{
    /// <summary>The first solution found (steps like <c>44+19=63</c>), or null when none exists.</summary>
    public static IReadOnlyList<string>? Solve(CountdownProblem problem)
    {
        IReadOnlyList<string>? found = null;
        Walk(problem.Numbers.Select(n => (long)n).ToList(), problem.Target, new List<string>(), path =>
        {
            found = path.ToArray();
            return true;
        });
        return found;
    }

    /// <summary>Whether any solution exists.</summary>
    public static bool IsSolvable(CountdownProblem problem) => Solve(problem) is not null;

    /// <summary>Every distinct solution (as step lists; symmetric duplicates such as 3+4 vs 4+3 folded).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> AllSolutions(CountdownProblem problem)
    {
        var seen = new HashSet<string>();
        var all = new List<IReadOnlyList<string>>();
        Walk(problem.Numbers.Select(n => (long)n).ToList(), problem.Target, new List<string>(), path =>
        {
            if (seen.Add(string.Join("|", path))) all.Add(path.ToArray());
            return false;
        });
        return all;
    }

    /// <summary>Depth-first over all ways to combine two numbers; <paramref name="onSolution"/> returns true to stop.</summary>
    private static bool Walk(List<long> numbers, long target, List<string> path, Func<List<string>, bool> onSolution)
    {
        if (numbers.Count == 1)
            return numbers[0] == target && onSolution(path);
        for (int i = 0; i < numbers.Count; i++)
        for (int j = 0; j < numbers.Count; j++)
        {
            if (i == j) continue;
            long a = numbers[i], b = numbers[j];
            var rest = new List<long>(numbers.Count - 1);
            for (int k = 0; k < numbers.Count; k++)
                if (k != i && k != j) rest.Add(numbers[k]);
            // Commutative operations once per unordered pair, written smaller-index first.
            if (i < j && TryStep(rest, target, path, onSolution, a + b, $"{a}+{b}={a + b}")) return true;
            if (i < j && TryStep(rest, target, path, onSolution, a * b, $"{a}*{b}={a * b}")) return true;
            if (a > b || (a == b && i < j))
                if (TryStep(rest, target, path, onSolution, a - b, $"{a}-{b}={a - b}")) return true;
            if (b != 0 && a % b == 0 && (a > b || (a == b && i < j)))
                if (TryStep(rest, target, path, onSolution, a / b, $"{a}/{b}={a / b}")) return true;
        }
        return false;
    }

    private static bool TryStep(List<long> rest, long target, List<string> path, Func<List<string>, bool> onSolution, long value, string step)
    {
        rest.Add(value);
        path.Add(step);
        var stop = Walk(rest, target, path, onSolution);
        path.RemoveAt(path.Count - 1);
        rest.RemoveAt(rest.Count - 1);
        return stop;
    }
}
