using FluentAssertions;
using Xunit;

namespace Reasoning.Search.Tests;

/// <summary>A search that is cancelled or fails releases every thread it created: the page pool's free count returns.</summary>
public sealed class SearchCleanupTests : SearchTestKit
{
    public static TheoryData<string> Methods => ["astar", "beam", "pf", "bon"];

    private static ISearchMethod Method(string name) => name switch
    {
        "astar" => new AStarSearch(children: 3),
        "beam" => new BeamSearch(width: 2, children: 2),
        "pf" => new ParticleFiltering(particles: 3),
        _ => new BestOfNSearch(samples: 3),
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Methods))]
    public async Task Cancelling_between_steps_frees_every_page(string method)
    {
        int free = Engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        // Best-of-N scores only at the end, so it is cancelled from the run's token count instead.
        var prm = new ScriptedPrm { OnCall = (i, _) => { if (i == 1) cts.Cancel(); return Task.CompletedTask; } };
        using var run = NewRun();
        var problem = Problem(run, prm, isGoal: method == "bon" ? text => { if (text.Length > 12) cts.Cancel(); return false; } : null);
        var act = () => Method(method).SearchAsync(problem, new SearchBudget { MaxStepTokens = 4, MaxTotalTokens = 400 }, cts.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
        OnlyTheRootHoldsPages(run, free);
    }

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Methods))]
    public async Task Cancelling_while_children_generate_frees_every_page(string method)
    {
        int free = Engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        using var run = NewRun();
        var problem = Problem(run, new ScriptedPrm());
        // Long steps: the cancellation lands while the first children are generating.
        var search = Method(method).SearchAsync(problem, new SearchBudget { MaxStepTokens = 1500, MaxTotalTokens = 100_000 }, cts.Token);
        while (run.TotalTokens < 20)
            await Task.Delay(1);
        cts.Cancel();
        await search.Invoking(async s => await s).Should().ThrowAsync<OperationCanceledException>();
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_reward_model_frees_every_page_and_its_error_comes_through()
    {
        int free = Engine.Pool.FreeCount;
        var prm = new ScriptedPrm { OnCall = (i, _) => i == 2 ? throw new InvalidOperationException("the PRM broke") : Task.CompletedTask };
        using var run = NewRun();
        var act = () => new AStarSearch(children: 3).SearchAsync(Problem(run, prm), new SearchBudget { MaxStepTokens = 3 });
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("the PRM broke");
        OnlyTheRootHoldsPages(run, free);
    }

    private sealed class WrongShapePrm : IProcessRewardModel
    {
        public Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<IReadOnlyList<double>>>([.. solutions.Select(_ => (IReadOnlyList<double>)[1.5])]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reward_model_score_out_of_range_is_a_typed_error_and_frees_every_page()
    {
        int free = Engine.Pool.FreeCount;
        using var run = NewRun();
        var act = () => new BeamSearch(2, 2).SearchAsync(Problem(run, new WrongShapePrm()), new SearchBudget { MaxStepTokens = 3 });
        await act.Should().ThrowAsync<InvalidScoreException>().WithMessage("*1.5 is not in [0, 1]*");
        OnlyTheRootHoldsPages(run, free);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_ended_root_is_refused_with_a_clear_error()
    {
        using var run = NewRun();
        var problem = Problem(run, new ScriptedPrm());
        problem.Root.End(Threads.ThreadStatus.Finished);
        var act = () => new AStarSearch().SearchAsync(problem, new SearchBudget());
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*root thread 0 has ended*");
    }
}
