using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

/// <summary>A* decoding on the tiny model with a scripted reward model.</summary>
public sealed class AStarSearchTests : SearchTestKit
{
    // Replays the best-first order from the tree: children get ids when their parent is expanded (and are pushed in
    // id order), so the parents in order of their first child's id are the expansion order; each must have been the
    // open state of least f (ties: the highest id, the last pushed; or the lowest with first-pushed ties) among the
    // states that existed then.
    private static void ExpandedInBestFirstOrder(SearchResult result, double stepCost, bool lastPushedFirst = true)
    {
        int Tie(SearchTreeNode n) => lastPushedFirst ? -n.Id : n.Id;
        var tree = result.Tree;
        foreach (var n in tree.Where(n => n.ParentId is not null))
            n.G.Should().BeApproximately(stepCost * n.Depth, 1e-12);
        var firstChild = tree.Where(n => n.ParentId is not null).GroupBy(n => n.ParentId!.Value).ToDictionary(g => g.Key, g => g.Min(n => n.Id));
        var order = firstChild.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToList();
        var expanded = new HashSet<int>();
        foreach (int p in order)
        {
            var open = tree.Where(n => n.Id < firstChild[p] && !expanded.Contains(n.Id) && !IsDeadEnd(n))
                .OrderBy(n => n.F).ThenBy(Tie).First();
            open.Id.Should().Be(p, "A* expands the open state of least f");
            expanded.Add(p);
        }
        if (result.StopReason == SearchStopReason.Goal)
        {
            var best = tree.Where(n => !expanded.Contains(n.Id) && !IsDeadEnd(n)).OrderBy(n => n.F).ThenBy(Tie).First();
            best.Id.Should().Be(result.ChosenId, "the goal returned is the state popped next");
        }
    }

    private static bool IsDeadEnd(SearchTreeNode n) => n.End is StepEnd.EndOfSequence or StepEnd.ThreadLimit && !n.IsGoal;

    [Fact(Timeout = 60_000)]
    public async Task Forked_children_share_the_prompts_pages_instead_of_computing_it_again()
    {
        int free = Engine.Pool.FreeCount;
        int? inUse = null;
        var prm = new ScriptedPrm { OnCall = (i, _) => { inUse ??= free - Engine.Pool.FreeCount; return Task.CompletedTask; } };
        using var run = NewRun();
        var problem = Problem(run, prm);
        const int k = 4, step = 4;
        var result = await new AStarSearch(children: k).SearchAsync(problem, new SearchBudget { MaxExpansions = 1, MaxStepTokens = step });

        result.Tree.Should().HaveCount(1 + k);
        result.TokensGenerated.Should().Be(k * step);
        // While the children are scored they are all alive. Sharing: the root's 25 prompt pages, and per child a copy of
        // the last prompt page (each child recomputes the last prompt token for its first logits) and one page for its
        // 4 new tokens. A child that recomputed the prompt would hold 26 pages of its own (129 in all).
        inUse.Should().Be(PromptPages + k * 2);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task It_expands_in_best_first_order_and_returns_the_goal_popped()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var problem = Problem(run, prm, isGoal: text => text.Length >= 20);
        var result = await new AStarSearch(children: 3, stepCost: 0.05, aggregation: StepAggregation.Min, deeperFirstOnTies: false)
            .SearchAsync(problem, new SearchBudget { MaxTotalTokens = 3000, MaxStepTokens = 4 });

        result.StopReason.Should().Be(SearchStopReason.Goal);
        result.ReachedGoal.Should().BeTrue();
        result.Text.Length.Should().BeGreaterThanOrEqualTo(20);
        ConsistentWithRun(result, run, prm, StepAggregation.Min);
        ExpandedInBestFirstOrder(result, 0.05, lastPushedFirst: false);
        prm.Calls.Should().OnlyContain(c => c.Count == 3, "each expansion's children are scored in one call");
        prm.Calls.SelectMany(c => c).Should().OnlyContain(s => s.Prompt == "the problem");
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_token_budget_stops_it_exactly_at_the_bound()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var result = await new AStarSearch(children: 3).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 37, MaxStepTokens = 5 });

        // Rounds take 3 × 5, 3 × 5, then the rest split (3 × 2, then 1 × 1): never past the bound, and nothing left.
        result.StopReason.Should().Be(SearchStopReason.TokenBudget);
        result.TokensGenerated.Should().Be(37);
        result.Tree.Should().OnlyContain(n => n.StepTokens <= 5);
        result.ReachedGoal.Should().BeFalse();
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        ExpandedInBestFirstOrder(result, 0);
        // No goal: the open state that would be popped next is returned.
        var open = result.Tree.Where(n => n.Open && n.ParentId != null).OrderBy(n => n.F).ThenByDescending(n => n.Id).First();
        result.ChosenId.Should().Be(open.Id);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_prm_budget_counts_scored_states_and_stops_it()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var result = await new AStarSearch(children: 4).SearchAsync(Problem(run, prm), new SearchBudget { MaxPrmCalls = 10, MaxStepTokens = 3 });

        result.StopReason.Should().Be(SearchStopReason.PrmBudget);
        prm.Calls.Select(c => c.Count).Should().Equal(4, 4, 2);
        result.PrmCalls.Should().Be(10);
        result.PrmBatches.Should().Be(3);
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_expansion_and_thread_budgets_stop_it()
    {
        var prm = new ScriptedPrm();
        using (var run = NewRun())
        {
            var result = await new AStarSearch(children: 2).SearchAsync(Problem(run, prm), new SearchBudget { MaxExpansions = 3, MaxStepTokens = 2 });
            result.StopReason.Should().Be(SearchStopReason.ExpansionBudget);
            result.Expansions.Should().Be(3);
            result.Tree.Should().HaveCount(1 + 3 * 2);
        }
        using (var run = NewRun(maxThreads: 6))
        {
            // The root's 3 children are 3 forks; each later expansion of 3 forks 2 more (the parent's thread carries
            // the third): 1 + 3 + 2 = 6, and the next expansion does not fit.
            var result = await new AStarSearch(children: 3).SearchAsync(Problem(run, prm), new SearchBudget { MaxStepTokens = 2 });
            result.StopReason.Should().Be(SearchStopReason.ThreadBudget);
            result.Expansions.Should().Be(2);
            result.Tree.Should().HaveCount(7);
            run.Threads.Should().HaveCount(6);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_step_ends_with_the_whole_token_that_holds_its_stop_string()
    {
        // The test codec writes ids above 255 as one token of text "⟨id⟩": with the stop string "⟨" the token that
        // completes it also carries "id⟩", as Countdown's "]\nGenerated Node #" carries the next line's start.
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var problem = Problem(run, prm) with { Splitter = new DelimiterStepSplitter("⟨") };
        var result = await new AStarSearch(children: 3).SearchAsync(problem, new SearchBudget { MaxTotalTokens = 300, MaxStepTokens = 30 });

        var steps = result.Tree.Where(n => n.ParentId != null).ToList();
        var stopped = steps.Where(n => n.End == StepEnd.StopString).ToList();
        stopped.Should().NotBeEmpty();
        stopped.Should().OnlyContain(n => System.Text.RegularExpressions.Regex.IsMatch(n.StepText, "⟨[0-9]+⟩$"), "the step keeps its last token whole");
        steps.Should().OnlyContain(n => !System.Text.RegularExpressions.Regex.IsMatch(n.StepText, "^[0-9]*⟩"), "no step starts inside a token");
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bound_on_open_states_prunes_the_worst_and_frees_their_pages()
    {
        int free = Engine.Pool.FreeCount;
        int worst = 0;
        var prm = new ScriptedPrm { OnCall = (_, _) => { worst = Math.Max(worst, free - Engine.Pool.FreeCount); return Task.CompletedTask; } };
        using var run = NewRun();
        var result = await new AStarSearch(children: 3, maxOpen: 3).SearchAsync(Problem(run, prm), new SearchBudget { MaxTotalTokens = 90, MaxStepTokens = 3 });

        var tree = result.Tree;
        tree.Count(n => n.Open).Should().BeLessThanOrEqualTo(3);
        tree.Count(n => n.Pruned).Should().BeGreaterThan(0);
        tree.Where(n => n.Pruned).Should().OnlyContain(n => !n.Expanded);
        // At most 3 kept states plus 3 new children hold pages beyond the prompt's, each at most 2 (3 tokens a step:
        // a copy of the page its parent's last token sits in, and one for the rest).
        worst.Should().BeLessThanOrEqualTo(PromptPages + (3 + 3) * 2);
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_wall_time_stops_it_with_a_result_instead_of_an_exception()
    {
        // A first search warms the code paths up, so the timed one does not spend its time compiling.
        using (var warm = NewRun())
            await new AStarSearch(children: 2).SearchAsync(Problem(warm, new ScriptedPrm()), new SearchBudget { MaxExpansions = 2, MaxStepTokens = 8 });
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm();
        using var run = NewRun();
        var budget = new SearchBudget { MaxStepTokens = 8, MaxWallTime = TimeSpan.FromMilliseconds(1000) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await new AStarSearch(children: 2).SearchAsync(Problem(run, prm), budget);

        result.StopReason.Should().Be(SearchStopReason.WallTime);
        started.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1000));
        result.Expansions.Should().BeGreaterThan(0);
        ConsistentWithRun(result, run, prm, StepAggregation.Last);
        OnlyTheRootHoldsPages(run, free);
        var refuse = () => new SearchBudget { MaxWallTime = TimeSpan.Zero }.Validate();
        refuse.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*wall-time limit must be positive*");
    }
}
