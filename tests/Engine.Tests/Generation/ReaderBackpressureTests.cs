using System.Diagnostics;
using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>
/// A generation streams at most <see cref="EngineOptions.MaxUnreadTokens"/> tokens ahead of its reader: a reader that
/// stops reading pauses its generation (no steps, no new tokens, its pages kept) without slowing the others, and the
/// tokens it reads later are those of a run that never paused.
/// </summary>
public sealed class ReaderBackpressureTests
{
    private const int Bound = 8;
    private static readonly SamplingOptions Seeded = new() { MaxTokens = 60, Temperature = 1, Seed = 7 };

    // The reference: the same prompt and seed on an engine whose bound is never reached, read to the end at once.
    private static async Task<List<int>> Unthrottled(int[] prompt, SamplingOptions options)
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16, MaxUnreadTokens = 1 << 20 });
        using var seq = engine.CreateSequence(prompt);
        return (await seq.GenerateToEndAsync([], options)).Tokens.Select(t => t.Id).ToList();
    }

    // A short stall timeout: a generation waiting for its reader is not short of pages and must outlive several.
    private static InferenceEngine Bounded() =>
        new(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16, MaxUnreadTokens = Bound, StallTimeout = TimeSpan.FromMilliseconds(100) });

    // Starts a generation, reads its first token and waits until the engine has generated Bound more (the most it may).
    private static async Task<IAsyncEnumerator<GeneratedToken>> StartAndStopReading(EngineSequence seq, int promptLength, SamplingOptions options, CancellationToken ct = default)
    {
        var reader = seq.GenerateAsync([], options, cancellationToken: ct).GetAsyncEnumerator(CancellationToken.None);
        (await reader.MoveNextAsync()).Should().BeTrue();
        await WaitUntil(() => seq.Length >= promptLength + 1 + Bound);
        return reader;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the engine should get there long before");
            await Task.Delay(5);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reader_that_stops_holds_the_backlog_at_the_bound_and_later_reads_the_unthrottled_tokens()
    {
        var prompt = Fixtures.RandomTokens(31, 5);
        var expected = await Unthrottled(prompt, Seeded);
        expected.Should().HaveCount(60, "no stop token is set");

        using var engine = Bounded();
        using var seq = engine.CreateSequence(prompt);
        var reader = await StartAndStopReading(seq, prompt.Length, Seeded);
        var got = new List<int> { reader.Current.Id };
        long steps = engine.Steps;
        int free = engine.Pool.FreeCount;
        await Task.Delay(300);
        // One token read, Bound more generated and waiting, none after: the stream holds exactly Bound tokens.
        seq.Length.Should().Be(prompt.Length + 1 + Bound, "the generation pauses at the bound");
        engine.Steps.Should().Be(steps, "a generation waiting for its reader gets no steps");
        engine.Pool.FreeCount.Should().Be(free, "it neither takes more pages nor loses its own");
        engine.Preemptions.Should().Be(0);

        while (await reader.MoveNextAsync())
            got.Add(reader.Current.Id);
        await reader.DisposeAsync();
        got.Should().Equal(expected);
        seq.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_paused_generation_does_not_slow_the_others()
    {
        var pausedPrompt = Fixtures.RandomTokens(32, 4);
        var runningPrompt = Fixtures.RandomTokens(33, 6);
        var runningOptions = Seeded with { MaxTokens = 40, Seed = 9 };
        var expectedPaused = await Unthrottled(pausedPrompt, Seeded);
        var expectedRunning = await Unthrottled(runningPrompt, runningOptions);

        using var engine = Bounded();
        using var paused = engine.CreateSequence(pausedPrompt);
        var reader = await StartAndStopReading(paused, pausedPrompt.Length, Seeded);
        var pausedTokens = new List<int> { reader.Current.Id };
        long steps = engine.Steps;

        using var running = engine.CreateSequence(runningPrompt);
        var result = await running.GenerateToEndAsync([], runningOptions);
        result.Tokens.Select(t => t.Id).Should().Equal(expectedRunning);
        (engine.Steps - steps).Should().Be(40, "the running one gets a step per token (its prompt is one chunk) and the paused one none");
        paused.Length.Should().Be(pausedPrompt.Length + 1 + Bound, "the paused one stayed at its bound meanwhile");

        while (await reader.MoveNextAsync())
            pausedTokens.Add(reader.Current.Id);
        await reader.DisposeAsync();
        pausedTokens.Should().Equal(expectedPaused);
    }

    [Fact(Timeout = 60_000)]
    public async Task Disposing_a_paused_sequence_frees_its_pages_without_its_reader()
    {
        using var engine = Bounded();
        var prompt = Fixtures.RandomTokens(34, 5);
        var seq = engine.CreateSequence(prompt);
        var reader = await StartAndStopReading(seq, prompt.Length, Seeded);
        engine.Pool.FreeCount.Should().BeLessThan(engine.Pool.PageCount);

        seq.Dispose();
        await WaitUntil(() => engine.Pool.FreeCount == engine.Pool.PageCount);

        // The reader still gets what was streamed before the disposal, then the stream ends quietly.
        int read = 0;
        while (await reader.MoveNextAsync())
            read++;
        read.Should().Be(Bound);
        await reader.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_paused_generation_ends_it_without_its_reader()
    {
        using var engine = Bounded();
        var prompt = Fixtures.RandomTokens(35, 5);
        using var seq = engine.CreateSequence(prompt);
        using var cts = new CancellationTokenSource();
        var reader = await StartAndStopReading(seq, prompt.Length, Seeded, cts.Token);
        int held = engine.Pool.PageCount - engine.Pool.FreeCount;
        held.Should().BePositive();

        cts.Cancel();
        // The sequence keeps its computed tokens' pages; the loop must still notice the cancellation and end the job.
        await WaitUntil(() => !seq.Busy);
        var act = async () =>
        {
            while (await reader.MoveNextAsync())
            {
            }
        };
        await act.Should().ThrowAsync<OperationCanceledException>();
        await reader.DisposeAsync();
        seq.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task When_others_are_short_of_pages_only_they_fail_after_the_stall_and_the_paused_one_goes_on()
    {
        var config = Fixtures.Model("tiny-qwen3").Config;
        long pageBytes = 4L * config.NumLayers * 2 * config.KvWidth * sizeof(float);
        var options = Seeded with { MaxTokens = 12 };
        var prompt = Fixtures.RandomTokens(36, 5);
        var expected = await Unthrottled(prompt, options);

        // Six pages of 4 tokens: the paused job holds 5 + 1 + 8 tokens (4 pages); a 10-token prompt needs 3 of the 2 left.
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"),
            new EngineOptions { KvMemoryBytes = 6 * pageBytes, PageSize = 4, MaxUnreadTokens = Bound, StallTimeout = TimeSpan.FromMilliseconds(200) });
        using var paused = engine.CreateSequence(prompt);
        var reader = await StartAndStopReading(paused, prompt.Length, options);
        var got = new List<int> { reader.Current.Id };
        engine.Pool.FreeCount.Should().Be(2);

        using var starved = engine.CreateSequence(Fixtures.RandomTokens(37, 10));
        var act = async () => await starved.GenerateToEndAsync([], options);
        await act.Should().ThrowAsync<KvCacheExhaustedException>();

        while (await reader.MoveNextAsync())
            got.Add(reader.Current.Id);
        await reader.DisposeAsync();
        got.Should().Equal(expected);
        engine.Preemptions.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_bound_below_one_is_a_typed_error(int bound)
    {
        var act = () => new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 1 << 20, MaxUnreadTokens = bound });
        act.Should().Throw<InvalidRequestException>().Which.Message.Should().Contain("MaxUnreadTokens").And.Contain("at least 1");
    }
}
