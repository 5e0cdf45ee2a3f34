using FluentAssertions;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class CheckerTests
{
    private static readonly CountdownProblem Problem = new([44, 19, 35, 73], 98);

    [Fact]
    public void A_valid_solution_passes()
    {
        var r = SolutionChecker.Check(Problem, ["73-35=38", "44+19=63", "63+38=101"]);
        r.IsValid.Should().BeFalse();
        SolutionChecker.Check(new CountdownProblem([2, 3, 4], 20), ["2+3=5", "5*4=20"]).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData(new[] { "5+3=8", "8*2=16" }, CheckFailure.OperandMissing, 0, "5 is not among")]
    [InlineData(new[] { "2+3=6", "6*4=24" }, CheckFailure.WrongResult, 0, "is 5, not 6")]
    [InlineData(new[] { "2-3=1" }, CheckFailure.NegativeSubtraction, 0, "negative")]
    [InlineData(new[] { "3/2=1" }, CheckFailure.InexactDivision, 0, "exact")]
    [InlineData(new[] { "2+3=5" }, CheckFailure.NotAtTarget, -1, "not [20]")]
    [InlineData(new[] { "2+3=5", "hello" }, CheckFailure.Malformed, 1, "step 2")]
    [InlineData(new string[0], CheckFailure.Empty, -1, "no steps")]
    [InlineData(new[] { "2+3=5", "5+5=10" }, CheckFailure.OperandMissing, 1, "5 is not among the numbers left")]
    public void Each_failure_names_the_step_and_why(string[] steps, CheckFailure kind, int index, string fragment)
    {
        var r = SolutionChecker.Check(new CountdownProblem([2, 3, 4], 20), steps);
        r.Failure.Should().Be(kind);
        r.StepIndex.Should().Be(index);
        r.Message.Should().Contain(fragment);
    }

    [Fact]
    public void Division_by_zero_is_reported()
    {
        SolutionChecker.Check(new CountdownProblem([5, 5, 3], 3), ["5-5=0", "3/0=0"]).Failure.Should().Be(CheckFailure.DivisionByZero);
    }

    [Fact]
    public void Brute_force_and_checker_agree_on_random_instances_including_unsolvable_ones()
    {
        var random = new Random(3);
        int unsolvable = 0;
        for (int t = 0; t < 300; t++)
        {
            var problem = new CountdownProblem(Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(1, 30)).ToArray(), random.Next(10, 101));
            var all = BruteForceSolver.AllSolutions(problem);
            foreach (var s in all) SolutionChecker.Check(problem, s).IsValid.Should().BeTrue();
            (BruteForceSolver.Solve(problem) is not null).Should().Be(all.Count > 0);
            if (all.Count == 0)
            {
                unsolvable++;
                // Independent proof of "none": no walk of the search's own move set reaches the target either.
                ReachableBySearchMoves(problem.Numbers.Select(n => (long)n).ToList(), problem.Target).Should().BeFalse();
            }
        }
        unsolvable.Should().BeGreaterThan(10);
    }

    private static bool ReachableBySearchMoves(List<long> numbers, long target)
    {
        if (numbers.Count == 1) return numbers[0] == target;
        for (int i = 0; i < numbers.Count; i++)
        for (int j = i + 1; j < numbers.Count; j++)
        foreach (var (value, _) in CountdownStep.Combine(numbers[i], numbers[j]))
        {
            var next = numbers.Where((_, k) => k != i && k != j).Append(value).ToList();
            if (ReachableBySearchMoves(next, target)) return true;
        }
        return false;
    }
}
