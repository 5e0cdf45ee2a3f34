using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

/// <summary>Beam search, particle filtering, best-of-N and cons@N on the tiny model with a scripted reward model.</summary>
public sealed class BaselineSearchTests : SearchTestKit
{
    private static bool DeadEnd(SearchTreeNode n) => n.End is StepEnd.EndOfSequence or StepEnd.ThreadLimit && !n.IsGoal;

    [Fact(Timeout = 60_000)]
    public async Task Beam_search_keeps_the_best_width_states_of_each_round_within_the_token_budget()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var result = await new BeamSearch(width: 2, children: 3).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 60, MaxStepTokens = 4 });

        // Round 1: the root's 3 children (12 tokens); then 2 beams × 3 children (24 tokens) twice: exactly 60.
        result.StopReason.Should().Be(SearchStopReason.TokenBudget);
        result.TokensGenerated.Should().Be(60);
        prm.Calls.Select(c => c.Count).Should().Equal(3, 6, 6);
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        var tree = result.Tree;
        foreach (var depth in tree.Where(n => n.ParentId != null).GroupBy(n => n.Depth))
        {
            var kept = depth.Where(n => !n.Pruned && !DeadEnd(n)).ToList();
            kept.Count.Should().BeLessThanOrEqualTo(2, $"depth {depth.Key} keeps at most the width");
            foreach (var pruned in depth.Where(n => n.Pruned))
                kept.Should().OnlyContain(k => k.Aggregate >= pruned.Aggregate, "a pruned state never outscores a kept one");
        }
        tree.Where(n => n.Pruned).Should().OnlyContain(n => !n.Expanded);
        var finalBeams = tree.Where(n => n.Open && n.ParentId != null).ToList();
        result.ChosenId.Should().Be(finalBeams.OrderByDescending(n => n.Aggregate).ThenBy(n => n.Id).First().Id);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Beam_search_ends_when_every_slot_holds_a_goal_and_returns_the_best_goal()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var result = await new BeamSearch(width: 2, children: 2).SearchAsync(Problem(run, prm, isGoal: t => t.Length >= 12), new SearchBudget { MaxStepTokens = 4 });

        result.StopReason.Should().Be(SearchStopReason.Goal);
        var goals = result.Tree.Where(n => n.IsGoal).ToList();
        goals.Should().HaveCountGreaterThanOrEqualTo(2);
        result.ChosenId.Should().Be(goals.OrderByDescending(n => n.Aggregate).ThenByDescending(n => n.Depth).ThenBy(n => n.Id).First().Id);
        result.ReachedGoal.Should().BeTrue();
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Particle_filtering_moves_every_particle_each_round_and_is_reproducible_from_its_seed()
    {
        int free = Engine.Pool.FreeCount;
        var texts = new List<string>();
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var prm = new ScriptedPrm();
            using var run = NewRun();
            var result = await new ParticleFiltering(particles: 4, seed: 5).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 64, MaxStepTokens = 4 });

            // 4 particles × 4 tokens a round: 4 rounds fill the budget.
            result.StopReason.Should().Be(SearchStopReason.TokenBudget);
            result.TokensGenerated.Should().Be(64);
            prm.Calls.Select(c => c.Count).Should().Equal(4, 4, 4, 4);
            ConsistentWithRun(result, run, prm, StepAggregation.Last);
            var tree = result.Tree;
            for (int d = 1; d <= 4; d++)
                tree.Count(n => n.Depth == d).Should().Be(4, $"every particle moved in round {d}");
            tree.Where(n => n.Pruned).Should().OnlyContain(n => !n.Expanded, "a particle not drawn is never extended");
            // Each round's draw is what the next round extends: the expanded states of depth d are the drawn ones.
            for (int d = 1; d < 4; d++)
                tree.Where(n => n.Depth == d + 1).Select(n => n.ParentId!.Value).Distinct()
                    .Should().BeEquivalentTo(tree.Where(n => n.Depth == d && !n.Pruned).Select(n => n.Id));
            var final = tree.Where(n => n.Depth == 4 && !n.Pruned).ToList();
            result.ChosenId.Should().Be(final.OrderByDescending(n => n.Aggregate).ThenBy(n => n.Id).First().Id);
            texts.Add(string.Join("|", tree.Select(n => n.StepText + (n.Pruned ? "-" : "+"))));
            run.Root!.End(Threads.ThreadStatus.Finished);
        }
        texts[1].Should().Be(texts[0], "the same seeds give the same samples and the same draws");
        Engine.Pool.FreeCount.Should().Be(free);
    }

    // The samples' last states: best-of-N extends each sample by one child per round, so each root child is a chain.
    private static List<SearchTreeNode> Samples(IReadOnlyList<SearchTreeNode> tree) =>
        [.. tree.Where(n => n.ParentId == 0).Select(s =>
        {
            var n = s;
            while (tree.FirstOrDefault(c => c.ParentId == n.Id) is { } child)
                n = child;
            return n;
        })];

    [Fact(Timeout = 60_000)]
    public async Task Best_of_n_scores_the_final_states_once_and_picks_the_best()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var result = await new BestOfNSearch(samples: 4).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 40, MaxStepTokens = 4 });

        result.StopReason.Should().Be(SearchStopReason.TokenBudget);
        result.TokensGenerated.Should().Be(40);
        prm.Calls.Should().ContainSingle().Which.Should().HaveCount(4);
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        var samples = Samples(result.Tree);
        samples.Should().HaveCount(4);
        var scores = samples.Select(s => ScriptedPrm.StepScore(s.StepText)).ToList();
        result.ChosenId.Should().Be(samples[scores.IndexOf(scores.Max())].Id);
        OnlyTheRootHoldsPages(run, free);
    }

    private sealed class LengthScorer : IScorer<string>
    {
        public Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<string> candidates, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<double>>([.. candidates.Select(c => (double)c.Length)]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Best_of_n_with_an_outcome_scorer_uses_it_and_the_prm_budget_bounds_n()
    {
        var prm = new ScriptedPrm();
        using (var run = NewRun())
        {
            var result = await new BestOfNSearch(samples: 3, outcomeScorer: new LengthScorer()).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 24, MaxStepTokens = 4 });
            prm.Calls.Should().BeEmpty();
            var samples = Samples(result.Tree);
            var texts = samples.Select(s => string.Concat(PathOf(result.Tree, s.Id).Select(n => n.StepText))).ToList();
            int longest = texts.FindIndex(t => t.Length == texts.Max(x => x.Length));
            result.ChosenId.Should().Be(samples[longest].Id);
        }
        using (var run = NewRun())
        {
            var result = await new BestOfNSearch(samples: 4).SearchAsync(Problem(run, prm), new SearchBudget { MaxPrmCalls = 2, MaxTotalTokens = 16, MaxStepTokens = 4 });
            Samples(result.Tree).Should().HaveCount(2, "each sample costs one PRM call");
            result.PrmCalls.Should().Be(2);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Cons_at_n_picks_the_first_sample_of_the_majority_answer()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        static string? Answer(string text) => (text.Length % 2).ToString();
        var result = await new SelfConsistencySearch(5, Answer).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 50, MaxStepTokens = 4 });

        prm.Calls.Should().BeEmpty();
        var samples = Samples(result.Tree);
        var answers = samples.Select(s => Answer(string.Concat(PathOf(result.Tree, s.Id).Select(n => n.StepText)))).ToList();
        var counts = answers.GroupBy(a => a).ToDictionary(g => g.Key!, g => g.Count());
        int most = counts.Values.Max();
        int first = answers.FindIndex(a => counts[a!] == most);
        result.ChosenId.Should().Be(samples[first].Id);
        OnlyTheRootHoldsPages(run, free);
    }
}
