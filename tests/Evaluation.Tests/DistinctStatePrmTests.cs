using FluentAssertions;
using Reasoning.Evaluation.Countdown;
using Reasoning.Search;
using Xunit;

namespace Reasoning.Evaluation.Tests;

public sealed class DistinctStatePrmTests
{
    /// <summary>Scores every step 0.5 + 0.1 × its index, so a changed score is seen at once.</summary>
    private sealed class Ladder : IProcessRewardModel
    {
        public Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<IReadOnlyList<double>>>([.. solutions.Select(s => (IReadOnlyList<double>)[.. s.Steps.Select((_, i) => 0.5 + 0.1 * i)])]);
    }

    [Fact]
    public async Task Copies_in_one_call_keep_their_scores_and_a_text_scored_in_an_earlier_call_gets_zero_on_its_last_step()
    {
        var prm = new DistinctStatePrm(new Ladder());
        PartialSolution a = new("P", ["x\n", "y\n"]), sameText = new("P", ["x\ny", "\n"]), b = new("P", ["x\n", "z\n"]);

        var first = await prm.ScoreStepsAsync([a, a, b]);
        first.Should().BeEquivalentTo(new[] { new[] { 0.5, 0.6 }, new[] { 0.5, 0.6 }, new[] { 0.5, 0.6 } }, "copies within one call are the state's retries");

        var second = await prm.ScoreStepsAsync([sameText, new PartialSolution("P", ["x\n", "w\n"])]);
        second[0].Should().Equal(0.5, 0.0);   // the same text, cut into steps elsewhere, was scored before
        second[1].Should().Equal(0.5, 0.6);
        prm.Duplicates.Should().Be(1);
    }

    [Fact]
    public async Task A_solution_without_steps_is_passed_through()
    {
        var prm = new DistinctStatePrm(new Ladder());
        await prm.ScoreStepsAsync([new PartialSolution("P", [])]);
        (await prm.ScoreStepsAsync([new PartialSolution("P", [])]))[0].Should().BeEmpty();
    }
}
