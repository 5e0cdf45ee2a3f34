using FluentAssertions;
using Reasoning.Tasks.Countdown;
using Xunit;

namespace Reasoning.Tasks.Tests.Countdown;

public class ProblemTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Generated_problems_are_solvable_in_range_and_reproducible(int count)
    {
        var generator = new ProblemGenerator(count);
        var a = generator.Generate(60, seed: 7).ToList();
        var b = generator.Generate(60, seed: 7).ToList();
        a.Should().Equal(b);
        a.Should().OnlyContain(p => p.Numbers.Count == count && p.Target >= 10 && p.Target <= 100 && p.Numbers.All(n => n >= 1 && n <= 99));
        a.Should().OnlyContain(p => BruteForceSolver.IsSolvable(p));
        a.Select(p => p.CanonicalKey).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Validation_split_shares_no_sorted_pair_with_training()
    {
        var generator = new ProblemGenerator();
        var train = generator.Generate(2000, seed: 1).Select(p => p.CanonicalKey).ToHashSet();
        var val = generator.Generate(200, seed: 1, ProblemSplit.Validation).ToList();
        val.Should().OnlyContain(p => !train.Contains(p.CanonicalKey));
        val.Should().OnlyContain(p => ProblemGenerator.SplitOf(p) == ProblemSplit.Validation);
    }

    [Fact]
    public void Problem_json_round_trips()
    {
        var p = new CountdownProblem([44, 19, 35, 73], 98);
        p.ToJson().Should().Be("{\"numbers\":[44,19,35,73],\"target\":98}");
        CountdownProblem.FromJson(p.ToJson(), "x").Should().Be(p);
    }

    [Theory]
    [InlineData("{\"numbers\":[1,2],\"target\":\"a\"}", "\"target\"")]
    [InlineData("{\"target\":5}", "\"numbers\"")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"numbers\":[],\"target\":5}", "at least one number")]
    [InlineData("{\"numbers\":[1,-2],\"target\":5}", "non-negative")]
    public void Malformed_problem_lines_name_the_line_and_the_fault(string line, string expected)
    {
        var act = () => ProblemFile.Parse(["{\"numbers\":[1,2],\"target\":3}", line], "p.jsonl");
        act.Should().Throw<CountdownFormatException>().Where(e => e.Message.Contains("p.jsonl:2") && e.Message.Contains(expected));
    }
}
