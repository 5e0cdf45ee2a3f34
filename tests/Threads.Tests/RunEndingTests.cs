using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

/// <summary>
/// Ending a run ends every thread, not only the root: idle children, idle forks and grandchildren that hold KV pages
/// without generating give them all back (the pool's free count returns to where it started).
/// </summary>
public sealed class RunEndingTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    private readonly ByteCodec _codec = new() { EndOfSequenceIds = [] };

    public void Dispose() => _engine.Dispose();

    /// <summary>A tree of idle threads that hold pages: a prefilled root, forks of it, spawned children with a grandchild each.</summary>
    private async Task<ReasoningThread> IdleTree(ThreadRun run)
    {
        var root = run.CreateRoot("The root's prompt, long enough to fill several eight-token pages of the pool.");
        await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 12 });
        root.Fork();
        var fork = root.Fork();
        await fork.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 9 });   // the fork now holds pages of its own
        var children = root.Spawn(["first child's context", "second child's context, a little longer"]);
        foreach (var child in children)
        {
            await child.PrefillAsync();
            await child.Spawn(["a grandchild"])[0].PrefillAsync();
        }
        return root;
    }

    [Fact(Timeout = 60_000)]
    public async Task Disposing_a_run_of_idle_children_and_forks_frees_every_page()
    {
        int free = _engine.Pool.FreeCount;
        var run = new ThreadRun(_engine, _codec);
        await IdleTree(run);
        run.Threads.Should().HaveCount(7);
        _engine.Pool.FreeCount.Should().BeLessThan(free - 6, "the test's premise: the idle threads hold pages");

        run.Dispose();

        _engine.Pool.FreeCount.Should().Be(free);
        run.Threads.Skip(1).Should().OnlyContain(t => t.Status == ThreadStatus.Cancelled && t.EndMilliseconds != null);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_run_while_one_child_generates_and_the_rest_idle_then_disposing_frees_every_page()
    {
        int free = _engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        var run = new ThreadRun(_engine, _codec, cancellationToken: cts.Token);
        var root = await IdleTree(run);
        var busy = root.Children[^1].Fork("busy");
        var work = busy.GenerateAsync(new ThreadGenerationOptions { MaxTokens = 1500 });
        await Task.Delay(30);

        cts.Cancel();
        await work.Invoking(async w => await w).Should().ThrowAsync<OperationCanceledException>();
        busy.Status.Should().Be(ThreadStatus.Cancelled);
        run.Dispose();

        _engine.Pool.FreeCount.Should().Be(free);
        run.Threads.Should().OnlyContain(t => t.EndMilliseconds != null, "every thread ended");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_finished_child_keeps_its_status_when_the_run_is_disposed()
    {
        int free = _engine.Pool.FreeCount;
        var run = new ThreadRun(_engine, _codec);
        var root = await IdleTree(run);
        root.Children[2].End(ThreadStatus.Finished, "goal reached");

        run.Dispose();

        root.Children[2].Status.Should().Be(ThreadStatus.Finished);
        root.Children[2].EndReason.Should().Be("goal reached");
        _engine.Pool.FreeCount.Should().Be(free);
    }
}
