using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

public sealed class InferenceEngineTests
{
    private static readonly SamplingOptions Greedy16 = new() { MaxTokens = 16 };

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public async Task Greedy_generation_reproduces_the_reference_continuations(string fixture)
    {
        var reference = ReferenceFile.Load(RepoPaths.FixtureModel(fixture));
        using var engine = new InferenceEngine(Fixtures.Model(fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16, PrefillChunk = 7 });
        foreach (var prompt in reference.Prompts)
        {
            using var seq = engine.CreateSequence();
            var result = await seq.GenerateToEndAsync(prompt.Ids, Greedy16);
            result.Tokens.Select(t => t.Id).Should().Equal(prompt.GreedyIds);
            result.Finish.Should().Be(FinishReason.Length);
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData(KvDType.F32)]
    [InlineData(KvDType.BF16)]
    public async Task The_page_size_changes_no_bit_of_a_generation(KvDType kvType)
    {
        // Attention's reduction order follows the view's tokens, never the page boundaries: 7-token pages (a boundary
        // every few keys) and 128-token pages (the default; one page) must give the same tokens and log-probabilities.
        var options = new SamplingOptions { Temperature = 0.8f, Seed = 3, MaxTokens = 40 };
        var prompt = Fixtures.RandomTokens(21, 37);
        var runs = new List<IReadOnlyList<GeneratedToken>>();
        foreach (int pageSize in new[] { 7, 128 })
        {
            using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = pageSize, KvDType = kvType });
            engine.Pool.PageSize.Should().Be(pageSize);
            using var seq = engine.CreateSequence();
            runs.Add((await seq.GenerateToEndAsync(prompt, options)).Tokens);
        }
        runs[1].Select(t => (t.Id, BitConverter.SingleToInt32Bits(t.Logprob)))
            .Should().Equal(runs[0].Select(t => (t.Id, BitConverter.SingleToInt32Bits(t.Logprob))));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(KvDType.F32)]
    [InlineData(KvDType.BF16)]
    public async Task Seeded_sampling_gives_the_same_tokens_batched_or_alone(KvDType kvType)
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = 16, KvDType = kvType });
        var options = new SamplingOptions { Temperature = 0.9f, TopK = 50, TopP = 0.95f, MinP = 0.01f, MaxTokens = 24, Seed = 7 };
        var prompt = Fixtures.RandomTokens(5, 11);

        using var lone = engine.CreateSequence();
        var alone = (await lone.GenerateToEndAsync(prompt, options)).Tokens.Select(t => t.Id).ToList();

        var others = Enumerable.Range(0, 15).Select(_ => engine.CreateSequence()).ToList();
        var noise = others.Select((s, i) => s.GenerateToEndAsync(Fixtures.RandomTokens(50 + i, 3 + i), options with { Seed = (ulong)i + 100 })).ToList();
        using var target = engine.CreateSequence();
        var batched = await target.GenerateToEndAsync(prompt, options);
        await Task.WhenAll(noise);
        others.ForEach(s => s.Dispose());

        batched.Tokens.Select(t => t.Id).Should().Equal(alone);
        alone.Distinct().Count().Should().BeGreaterThan(3, "sampling at temperature 0.9 should not be degenerate");
    }

    [Fact(Timeout = 60_000)]
    public async Task Forked_children_share_the_prefix_pages_and_continue_like_the_parent()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 16 << 20, PageSize = 16 });
        var prompt = Fixtures.RandomTokens(9, 64);
        using var parent = engine.CreateSequence(prompt);
        await parent.PrefillAsync();
        int free = engine.Pool.FreeCount;

        var children = Enumerable.Range(0, 8).Select(_ => parent.Fork()).ToList();
        engine.Pool.FreeCount.Should().Be(free, "a fork allocates no page for the prefix");

        var expected = (await parent.GenerateToEndAsync([], Greedy16)).Tokens.Select(t => t.Id).ToList();
        var results = await Task.WhenAll(children.Select(c => c.GenerateToEndAsync([], Greedy16)));
        foreach (var r in results)
            r.Tokens.Select(t => t.Id).Should().Equal(expected);
        children.ForEach(c => c.Dispose());
    }

    [Fact(Timeout = 60_000)]
    public async Task Sixty_four_concurrent_callers_each_get_their_sequential_result()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), new EngineOptions { KvMemoryBytes = 32 << 20, PageSize = 16 });
        var prompts = Enumerable.Range(0, 64).Select(i => Fixtures.RandomTokens(1000 + i, 2 + i % 17)).ToList();
        var options = Enumerable.Range(0, 64).Select(i => new SamplingOptions { Temperature = i % 2 == 0 ? 0 : 0.8f, Seed = (ulong)i, MaxTokens = 5 + i % 7 }).ToList();

        var sequential = new List<List<int>>();
        for (int i = 0; i < 64; i++)
        {
            using var seq = engine.CreateSequence();
            sequential.Add((await seq.GenerateToEndAsync(prompts[i], options[i])).Tokens.Select(t => t.Id).ToList());
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            using var seq = engine.CreateSequence();
            return (await seq.GenerateToEndAsync(prompts[i], options[i])).Tokens.Select(t => t.Id).ToList();
        })));

        for (int i = 0; i < 64; i++)
            concurrent[i].Should().Equal(sequential[i], $"request {i}");
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task No_pages_leak_after_a_thousand_random_runs_with_cancellations_and_errors()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen3"), new EngineOptions { KvMemoryBytes = 1 << 20, PageSize = 4 });
        int start = engine.Pool.FreeCount;
        var random = new Random(123);
        for (int run = 0; run < 1000; run++)
        {
            var seq = engine.CreateSequence(Fixtures.RandomTokens(run, 1 + random.Next(12)));
            var forks = new List<EngineSequence>();
            try
            {
                using var cts = new CancellationTokenSource();
                int action = random.Next(5);
                if (action == 0)
                    cts.Cancel();
                var options = new SamplingOptions { MaxTokens = random.Next(1, 6), Temperature = 0.7f, Seed = (ulong)run };
                if (action == 1)
                    options = options with { TopP = 2f };   // invalid: a typed error
                if (action == 2)
                    seq.Append([99999]);                     // a token outside the vocabulary: a typed error
                await foreach (var token in seq.GenerateAsync([], options, cancellationToken: cts.Token))
                {
                    if (random.Next(3) == 0)
                        cts.Cancel();
                }
                forks.Add(seq.Fork());
                if (random.Next(2) == 0)
                    seq.Truncate(random.Next(seq.Length + 1));
                await forks[0].GenerateToEndAsync([1, 2], options with { MaxTokens = 2 });
            }
            catch (OperationCanceledException)
            {
            }
            catch (ReasoningException)
            {
            }
            finally
            {
                forks.ForEach(f => f.Dispose());
                seq.Dispose();
            }
        }
        engine.Pool.FreeCount.Should().Be(start);
    }

    [Fact(Timeout = 60_000)]
    public async Task When_the_pool_runs_out_sequences_are_preempted_and_recomputed_exactly()
    {
        var model = Fixtures.Model("tiny-qwen3");
        long pageBytes = 4L * model.Config.NumLayers * 2 * model.Config.KvWidth * sizeof(float);
        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 24 * pageBytes, PageSize = 4 });
        engine.Pool.PageCount.Should().Be(24);
        // 20 + 40 tokens = 15 pages each: any two sequences running at once overflow the 24 pages.
        var prompts = Enumerable.Range(0, 3).Select(i => Fixtures.RandomTokens(300 + i, 20)).ToList();
        var options = new SamplingOptions { MaxTokens = 40, Temperature = 0.8f, Seed = 3 };

        var alone = new List<List<int>>();
        foreach (var prompt in prompts)
        {
            using var seq = engine.CreateSequence(prompt);
            alone.Add((await seq.GenerateToEndAsync([], options)).Tokens.Select(t => t.Id).ToList());
        }

        // All three are submitted from this thread before any is awaited, so they overlap unless the engine finishes
        // one before the next submit; a few attempts make a run without preemption practically impossible.
        for (int attempt = 0; attempt < 5 && engine.Preemptions == 0; attempt++)
        {
            // Each sequence is disposed when it finishes: idle pages would otherwise starve the last one.
            async Task<List<int>> Run(int[] prompt)
            {
                using var seq = engine.CreateSequence(prompt);
                return (await seq.GenerateToEndAsync([], options)).Tokens.Select(t => t.Id).ToList();
            }
            var together = await Task.WhenAll(prompts.Select(Run).ToList()).WaitAsync(TimeSpan.FromMinutes(1));   // a livelock fails, not hangs
            for (int i = 0; i < prompts.Count; i++)
                together[i].Should().Equal(alone[i], "attempt {0}, sequence {1}", attempt, i);
        }
        engine.Preemptions.Should().BeGreaterThan(0, "3 × 60 tokens do not fit in 24 pages of 4");
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_prompt_longer_than_the_context_window_is_a_typed_error()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        using var seq = engine.CreateSequence(Enumerable.Repeat(5, engine.Model.Config.MaxPositionEmbeddings + 1));
        var act = async () => await seq.GenerateToEndAsync([], Greedy16);
        await act.Should().ThrowAsync<InvalidRequestException>().WithMessage("*context window*");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_sequence_that_can_never_fit_the_pool_fails_with_a_typed_error()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), new EngineOptions { KvMemoryBytes = 64 * 1024, PageSize = 4 });
        using var seq = engine.CreateSequence(Fixtures.RandomTokens(1, engine.Pool.PageCount * 4 + 1));
        var act = async () => await seq.GenerateToEndAsync([], Greedy16);
        await act.Should().ThrowAsync<KvCacheExhaustedException>();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_request_decoder_that_throws_fails_its_own_generation_and_the_engine_goes_on()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        var prompt = Fixtures.RandomTokens(4, 9);
        var alone = await GreedyIdsAsync(engine, prompt);

        var broken = new StopStrings(["never"], new BrokenDecoder(3));
        using var failing = engine.CreateSequence();
        using var healthy = engine.CreateSequence();
        var bad = failing.GenerateToEndAsync(Fixtures.RandomTokens(8, 5), Greedy16, broken);
        var good = healthy.GenerateToEndAsync(prompt, Greedy16);

        await FluentActions.Awaiting(() => bad).Should().ThrowAsync<FormatException>().WithMessage("the caller's decoder broke");
        (await good.WaitAsync(TimeSpan.FromMinutes(1))).Tokens.Select(t => t.Id).Should().Equal(alone);
        (await GreedyIdsAsync(engine, prompt)).Should().Equal(alone, "the loop still runs");
        failing.Dispose();
        healthy.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_internal_fault_in_the_step_loop_fails_the_work_in_flight_with_a_typed_error_and_the_engine_goes_on()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        var prompt = Fixtures.RandomTokens(4, 9);
        var alone = await GreedyIdsAsync(engine, prompt);

        int steps = 0;
        engine.StepFaultForTests = () =>
        {
            if (++steps == 3)
                throw new IndexOutOfRangeException("a bug in the loop");
        };
        using var first = engine.CreateSequence();
        using var second = engine.CreateSequence();
        Task<GenerationResult> a, b;
        using (engine.HoldSubmissions())
        {
            a = first.GenerateToEndAsync(prompt, Greedy16);
            b = second.GenerateToEndAsync(Fixtures.RandomTokens(8, 5), Greedy16);
        }
        foreach (var failed in new[] { a, b })
        {
            var error = await FluentActions.Awaiting(() => failed.WaitAsync(TimeSpan.FromMinutes(1))).Should().ThrowAsync<EngineFaultException>();
            error.Which.InnerException.Should().BeOfType<IndexOutOfRangeException>();
            error.Which.Message.Should().Contain("a bug in the loop");
        }
        engine.StepFaultForTests = null;
        (await GreedyIdsAsync(engine, prompt)).Should().Equal(alone, "the loop still runs");
        (await first.GenerateToEndAsync([], Greedy16)).Tokens.Should().NotBeEmpty("a failed sequence is usable again");
        first.Dispose();
        second.Dispose();
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    /// <summary>The greedy continuation of <paramref name="prompt"/> on a fresh sequence of <paramref name="engine"/>.</summary>
    private static async Task<List<int>> GreedyIdsAsync(InferenceEngine engine, IReadOnlyList<int> prompt)
    {
        using var sequence = engine.CreateSequence();
        return (await sequence.GenerateToEndAsync(prompt, Greedy16)).Tokens.Select(t => t.Id).ToList();
    }

    /// <summary>A request decoder whose stream throws on its <paramref name="failAt"/>-th token.</summary>
    private sealed class BrokenDecoder(int failAt) : ITokenTextDecoder
    {
        public ITextStreamDecoder CreateStreamDecoder() => new Stream(failAt);

        private sealed class Stream(int failAt) : ITextStreamDecoder
        {
            private int _calls;
            public string Push(int id) => ++_calls == failAt ? throw new FormatException("the caller's decoder broke") : "x";
            public string Flush() => "";
        }
    }
}
