using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

public sealed class SelfConsistencyTests
{
    /// <summary>Brute force: for each trace, count the traces that give the same answer; keep the first with the most.</summary>
    private static int BruteForceMajority(IReadOnlyList<string?> answers)
    {
        int best = -1, bestVotes = 0;
        for (int i = 0; i < answers.Count; i++)
        {
            if (answers[i] is null)
                continue;
            int votes = 0;
            for (int j = 0; j < answers.Count; j++)
                if (answers[j] == answers[i])
                    votes++;
            if (votes > bestVotes)
                (best, bestVotes) = (i, votes);
        }
        return best;
    }

    [Fact]
    public void Majority_matches_a_brute_force_count_over_random_answer_lists()
    {
        var rng = new Random(1234);
        string?[] alphabet = [null, "a", "b", "c", "d", "44+19=63,63+35=98"];
        int ties = 0;
        for (int trial = 0; trial < 5000; trial++)
        {
            var answers = Enumerable.Range(0, rng.Next(0, 12)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToList();
            var counts = answers.Where(a => a is not null).GroupBy(a => a).Select(g => g.Count()).OrderDescending().ToList();
            if (counts.Count > 1 && counts[0] == counts[1])
                ties++;

            SelfConsistency.Majority(answers).Should().Be(BruteForceMajority(answers), "answers: [{0}]", string.Join(", ", answers.Select(a => a ?? "null")));
        }
        ties.Should().BeGreaterThan(500, "the random lists must exercise ties");
    }

    [Fact]
    public void A_tie_goes_to_the_answer_whose_first_trace_is_earliest()
    {
        SelfConsistency.Majority([null, "b", "a", "a", "b"]).Should().Be(1);
        SelfConsistency.Majority([null, null]).Should().Be(-1);
        SelfConsistency.Majority([]).Should().Be(-1);
    }

    [Fact]
    public void Answers_compare_ordinally()
    {
        SelfConsistency.Majority(["A", "a", "a"]).Should().Be(1);
    }

    [Fact]
    public void Pass_at_n_takes_the_first_verified_trace()
    {
        SelfConsistency.FirstVerified(["x", "ok1", "ok2"], t => t.StartsWith("ok")).Should().Be(1);
        SelfConsistency.FirstVerified(["x", "y"], t => t.StartsWith("ok")).Should().Be(-1);
    }
}
