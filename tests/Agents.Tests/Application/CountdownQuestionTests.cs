using FluentAssertions;
using Reasoning.Agents.Application;
using Xunit;

namespace Reasoning.Agents.Tests.Application;

public sealed class CountdownQuestionTests
{
    [Theory]
    [InlineData("numbers 44, 19, 35, 73 target 98", new[] { 44, 19, 35, 73 }, 98)]
    [InlineData("[44,19,35,73] -> 98", new[] { 44, 19, 35, 73 }, 98)]
    [InlineData("Use 3 5 7 → 24.", new[] { 3, 5, 7 }, 24)]
    [InlineData("Countdown: 1, 2, 3, 4, 5, 6; target is 720?", new[] { 1, 2, 3, 4, 5, 6 }, 720)]
    public void Countdown_questions_are_read(string question, int[] numbers, int target)
    {
        var problem = CountdownQuestion.TryParse(question);
        problem.Should().NotBeNull();
        problem!.Numbers.Should().Equal(numbers);
        problem.Target.Should().Be(target);
    }

    [Theory]
    [InlineData("What is the capital of France?")]
    [InlineData("I have 3 apples and want 5 pies.")]
    [InlineData("numbers 7 target 98")]            // one number is not a problem
    [InlineData("1 2 3 4 5 6 7 target 9")]         // seven numbers are too many
    [InlineData("numbers 1, 2, 0 target 9")]       // 0 is not a Countdown number
    public void Other_questions_are_not_taken_for_puzzles(string question) =>
        CountdownQuestion.TryParse(question).Should().BeNull();
}
