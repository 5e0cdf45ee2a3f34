using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>The forward pass runs outside the engine's lock: callers change idle sequences while a step is in flight.</summary>
public sealed class StepConcurrencyTests
{
    [Fact(Timeout = 60_000)]
    public async Task Fork_append_truncate_create_and_dispose_complete_while_a_step_is_held_in_flight()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 4 });
        var prompt = Fixtures.RandomTokens(7, 9);
        var options = new SamplingOptions { MaxTokens = 6 };
        List<int> expected;
        using (var reference = engine.CreateSequence(prompt))
            expected = (await reference.GenerateToEndAsync([], options)).Tokens.Select(t => t.Id).ToList();

        using var idle = engine.CreateSequence(Fixtures.RandomTokens(8, 6));
        await idle.PrefillAsync();
        using var inFlight = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        engine.StepRunningForTests = () =>
        {
            inFlight.Set();
            gate.Wait(TimeSpan.FromSeconds(30));
        };
        using var busy = engine.CreateSequence(prompt);
        var doomed = engine.CreateSequence(Fixtures.RandomTokens(9, 5));
        var running = busy.GenerateToEndAsync([], options);
        var dropped = doomed.GenerateToEndAsync([], options);
        inFlight.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue();

        // The loop is inside a step and will stay there until the gate opens: none of these may wait for it.
        var work = Task.Run(() =>
        {
            using var fork = idle.Fork();
            fork.Append([1, 2, 3]);
            fork.Truncate(4);
            using var fresh = engine.CreateSequence([4, 5]);
            doomed.Dispose();   // busy: its pages are released when its job ends
            FluentActions.Invoking(() => busy.Append([1])).Should().Throw<InvalidRequestException>();
        });
        (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(work, "no call waits for the step in flight");
        await work;
        gate.IsSet.Should().BeFalse();
        engine.StepRunningForTests = null;
        gate.Set();

        (await running).Tokens.Select(t => t.Id).Should().Equal(expected);
        await dropped;
        idle.Dispose();
        busy.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }
}
