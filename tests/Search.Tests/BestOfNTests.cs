using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class BestOfNTests
{
    private static int BruteForceArgMax(IReadOnlyList<double> scores)
    {
        if (scores.Count == 0)
            return -1;
        double max = scores.Max();
        return scores.ToList().IndexOf(max);
    }

    private sealed class LengthScorer : IScorer<string>
    {
        public int Calls { get; private set; }

        public Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<string> candidates, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<double>>([.. candidates.Select(c => (double)c.Length)]);
        }
    }

    private sealed class FixedScorer(params double[] scores) : IScorer<string>
    {
        public Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<string> candidates, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<double>>(scores);
    }

    [Fact]
    public void ArgMax_matches_a_brute_force_argmax_with_ties_to_the_earliest()
    {
        var rng = new Random(99);
        double[] values = [-1, 0, 0.25, 0.5, 1, double.NegativeInfinity, double.PositiveInfinity];
        for (int trial = 0; trial < 5000; trial++)
        {
            var scores = Enumerable.Range(0, rng.Next(0, 10)).Select(_ => values[rng.Next(values.Length)]).ToList();
            BestOfN.ArgMax(scores).Should().Be(BruteForceArgMax(scores), "scores: [{0}]", string.Join(", ", scores));
        }
    }

    [Fact]
    public async Task SelectAsync_scores_all_candidates_in_one_call_and_keeps_the_best()
    {
        var scorer = new LengthScorer();
        var (best, scores) = await BestOfN.SelectAsync(["ab", "abcd", "abc", "abcd"], scorer);

        best.Should().Be(1);
        scores.Should().Equal(2, 4, 3, 4);
        scorer.Calls.Should().Be(1);
    }

    [Fact]
    public async Task A_scorer_that_returns_the_wrong_count_or_NaN_is_a_clear_error()
    {
        var wrongCount = () => BestOfN.SelectAsync(["a", "b"], new FixedScorer(1));
        await wrongCount.Should().ThrowAsync<InvalidScoreException>().WithMessage("*1 scores for 2 candidates*");

        var nan = () => BestOfN.SelectAsync(["a", "b"], new FixedScorer(1, double.NaN));
        await nan.Should().ThrowAsync<InvalidScoreException>().WithMessage("*candidate 1 scored NaN*");
    }
}
