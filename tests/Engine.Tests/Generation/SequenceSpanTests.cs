using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>
/// The span surface of <see cref="EngineSequence"/> against an independent reference: the same tokens fed fresh into a
/// new sequence at the same logical positions (every span stored where it sits, so no query rotation and no shared
/// pages), each token computed in the same context as in the view under test. Both continue from the same probe tokens;
/// the generated tokens and their log-probabilities (with the top alternatives) must agree to float tolerance.
/// </summary>
public sealed class SequenceSpanTests
{
    private static readonly SamplingOptions Probe = new() { MaxTokens = 3, TopLogprobs = 8 };
    private static readonly int[] A = Fixtures.RandomTokens(1, 37);
    private static readonly int[] B = Fixtures.RandomTokens(2, 21);
    private static readonly int[] C = Fixtures.RandomTokens(3, 13);
    private static readonly int[] ProbeTokens = Fixtures.RandomTokens(4, 5);

    private static InferenceEngine Engine(string fixture) =>
        new(Fixtures.Model(fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama", 0)]
    [InlineData("tiny-llama", -5)]
    [InlineData("tiny-qwen3", 9)]
    [InlineData("tiny-qwen3", -5)]
    public async Task A_fork_at_a_position_continues_like_a_fresh_sequence_placed_there(string fixture, int offset)
    {
        using var engine = Engine(fixture);
        int free = engine.Pool.FreeCount;
        int at = A.Length + offset;
        using (var parent = await Computed(engine, 0, A))
        {
            using var child = parent.Fork(at);

            child.Tokens.Should().Equal(A);
            child.KvView.Spans[0].PageIds.Should().Equal(parent.KvView.Spans[0].PageIds, "the child shares the parent's pages");
            child.Spans.Should().Equal(
                new SequenceSpan(0, 0, A.Length, 0, 0, false),
                new SequenceSpan(1, A.Length, 0, at, at, true));
            child.NextPosition.Should().Be(at);

            var actual = await Continue(child, ProbeTokens);
            using var reference = await Computed(engine, 0, A);
            reference.StartSpan(at);
            ShouldAgree(actual, await Continue(reference, ProbeTokens));

            // The reference can tell positions apart: one position later gives another distribution.
            using var elsewhere = await Computed(engine, 0, A);
            elsewhere.StartSpan(at + 1);
            var shifted = await Continue(elsewhere, ProbeTokens);
            shifted[0].TopLogprobs.Select(t => t.Logprob).Should().NotEqual(actual[0].TopLogprobs.Select(t => t.Logprob));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen3")]
    public async Task Attached_spans_moved_to_a_position_are_exact_without_recomputation(string fixture)
    {
        using var engine = Engine(fixture);
        int free = engine.Pool.FreeCount;
        const int start = 100;
        using (var source = await Computed(engine, 0, A))
        using (var child = source.Fork(A.Length))
        {
            child.Append(B);
            await child.PrefillAsync();
            // The target holds A at 100 (stored there) and attaches the child's B, computed at 37, at 137: B's delta is
            // 100 while A's and the tail's are 0, so each attention mixes a rotated and an unrotated query.
            using var target = await Computed(engine, start, A);
            var attached = target.AttachSpans(child, fromSpan: 1, at: start + A.Length);

            attached.Should().Be(new Range(1, 2));
            target.Tokens.Should().Equal([.. A, .. B]);
            target.Spans.Select(s => (s.LogicalStart, s.Delta, s.Length)).Should().Equal(
                (start, 0, A.Length), (start + A.Length, start, B.Length), (start + A.Length + B.Length, 0, 0));
            target.KvView.Spans[1].PageIds.Should().Equal(child.KvView.Spans[1].PageIds, "attached spans share pages");

            using var reference = await Computed(engine, start, [.. A, .. B]);
            ShouldAgree(await Continue(target, ProbeTokens), await Continue(reference, ProbeTokens));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen3")]
    public async Task Moved_spans_continue_like_the_same_tokens_computed_where_they_were_moved(string fixture)
    {
        using var engine = Engine(fixture);
        int free = engine.Pool.FreeCount;
        const int shift = 250;
        using (var moved = await Computed(engine, 0, A))
        {
            moved.StartSpan(A.Length);
            moved.Append(B);
            await moved.PrefillAsync();
            moved.MoveSpan(0, shift);
            moved.MoveSpan(1, shift + A.Length);

            moved.Spans.Should().OnlyContain(s => s.Delta == shift);
            moved.NextPosition.Should().Be(shift + A.Length + B.Length);
            using var reference = await Computed(engine, shift, [.. A, .. B]);
            ShouldAgree(await Continue(moved, ProbeTokens), await Continue(reference, ProbeTokens));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen3")]
    public async Task Removing_a_span_prunes_its_tokens_and_pages(string fixture)
    {
        using var engine = Engine(fixture);
        int free = engine.Pool.FreeCount;
        using (var source = await Computed(engine, 0, A))
        {
            // B and C both follow A only (C starts where B ends, without seeing it), so once B is pruned the view is
            // exactly A then C with a gap: what a fresh sequence computes with C's span started at 58.
            var b = source.Fork(A.Length);
            b.Append(B);
            await b.PrefillAsync();
            var c = source.Fork(A.Length + B.Length);
            c.Append(C);
            await c.PrefillAsync();
            using var target = source.Fork();
            target.AttachSpans(b, fromSpan: 1);
            target.AttachSpans(c, fromSpan: 1);
            target.Tokens.Should().Equal([.. A, .. B, .. C]);
            b.Dispose();
            c.Dispose();
            int beforePrune = engine.Pool.FreeCount;

            target.RemoveSpan(1);

            engine.Pool.FreeCount.Should().Be(beforePrune + 2, "B's 21 tokens filled two 16-token pages that no view holds any more");
            target.Tokens.Should().Equal([.. A, .. C]);
            target.Spans.Select(s => s.LogicalStart).Should().Equal(0, A.Length + B.Length, A.Length + B.Length + C.Length);
            target.Invoking(t => t.RemoveSpan(2)).Should().Throw<InvalidRequestException>().WithMessage("*tail*truncate*");

            using var reference = await Computed(engine, 0, A);
            reference.StartSpan(A.Length + B.Length);
            reference.Append(C);
            await reference.PrefillAsync();
            ShouldAgree(await Continue(target, ProbeTokens), await Continue(reference, ProbeTokens));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen3")]
    public async Task A_kv_join_of_children_equals_their_tokens_prefilled_in_one_sequence(string fixture)
    {
        using var engine = Engine(fixture);
        int free = engine.Pool.FreeCount;
        using (var parent = await Computed(engine, 0, A))
        {
            // Each child continues from what precedes it (the second forks the first), so the joined view holds every
            // token's keys computed in the context a single sequence would have given it.
            using var first = parent.Fork(A.Length);
            first.Append(B);
            await first.PrefillAsync();
            using var second = first.Fork(A.Length + B.Length);
            second.Append(C);
            await second.PrefillAsync();

            parent.AttachSpans(first, fromSpan: 1);
            parent.AttachSpans(second, fromSpan: 2);

            parent.Tokens.Should().Equal([.. A, .. B, .. C]);
            parent.Spans.Select(s => s.Length).Should().Equal(A.Length, B.Length, C.Length, 0);
            using var reference = await Computed(engine, 0, [.. A, .. B, .. C]);
            ShouldAgree(await Continue(parent, ProbeTokens), await Continue(reference, ProbeTokens));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Spans_can_be_inserted_before_the_tail_while_tokens_are_pending()
    {
        using var engine = Engine("tiny-llama");
        int free = engine.Pool.FreeCount;
        using (var source = await Computed(engine, 0, A))
        {
            using var child = source.Fork(A.Length);
            child.Append(B);
            await child.PrefillAsync();
            using var target = await Computed(engine, 0, A);
            target.Append(C);   // pending: stays at the end, after the inserted span

            target.AttachSpans(child, fromSpan: 1, beforeSpan: 0);

            target.Tokens.Should().Equal([.. B, .. A, .. C]);
            target.ComputedLength.Should().Be(A.Length + B.Length);
            target.Spans.Select(s => (s.LogicalStart, s.Length, s.IsTail)).Should().Equal((A.Length, B.Length, false), (0, A.Length, true));
            target.NextPosition.Should().Be(A.Length + C.Length);
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_live_span_attached_mid_generation_is_a_consistent_snapshot_and_the_writer_is_unaffected()
    {
        using var engine = Engine("tiny-qwen3");
        int free = engine.Pool.FreeCount;
        var greedy = new SamplingOptions { MaxTokens = 300 };
        using (var source = await Computed(engine, 0, A))
        {
            using var alone = source.Fork(A.Length);
            var expected = await alone.GenerateToEndAsync(B, greedy);

            // The writer generates; the reader attaches the writer's span while tokens are still coming. The writer's
            // last partial page becomes shared, so it copies that page before its next write and keeps its own tokens.
            using var writer = source.Fork(A.Length);
            using var reader = await Computed(engine, 0, A);
            var attachedTokens = new List<int>();
            int seen = 0;
            await foreach (var token in writer.GenerateAsync(B, greedy))
                if (++seen == 20)
                {
                    reader.AttachSpans(writer, fromSpan: 1);
                    attachedTokens.AddRange(reader.Tokens.Skip(A.Length));
                }

            writer.Tokens.Skip(A.Length + B.Length).Should().Equal(expected.Tokens.Select(t => t.Id), "sharing the live tail changes nothing for the writer");
            attachedTokens.Count.Should().BeGreaterThan(B.Length).And.BeLessThan(B.Length + 300);
            attachedTokens.Should().Equal(writer.Tokens.Skip(A.Length).Take(attachedTokens.Count), "the attached span is a prefix of what the writer computed");

            // The snapshot's keys are those of a single sequence holding the same tokens (the writer saw only A before them).
            using var reference = await Computed(engine, 0, [.. A, .. attachedTokens]);
            ShouldAgree(await Continue(reader, ProbeTokens), await Continue(reference, ProbeTokens));
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Span_operations_refuse_what_they_cannot_do_exactly()
    {
        using var engine = Engine("tiny-llama");
        int free = engine.Pool.FreeCount;
        using (var seq = engine.CreateSequence(A))
        {
            seq.Invoking(s => s.Fork(5)).Should().Throw<InvalidRequestException>().WithMessage("*37 tokens not computed*prefill*");
            seq.Invoking(s => s.StartSpan(5)).Should().Throw<InvalidRequestException>().WithMessage("*prefill*");
            await seq.PrefillAsync();
            seq.Invoking(s => s.Fork(-1)).Should().Throw<InvalidRequestException>().WithMessage("*-1*outside*");
            seq.Invoking(s => s.AttachSpans(seq)).Should().Throw<InvalidRequestException>().WithMessage("*own spans*");
            seq.Invoking(s => s.MoveSpan(3, 0)).Should().Throw<InvalidRequestException>().WithMessage("*span 3 does not exist*");

            // A fork at a position has an empty tail span: generating with nothing appended would re-feed the last
            // token into the parent's span at its old position, so it is refused until a token is appended.
            using var child = seq.Fork(80);
            var refeed = () => child.GenerateToEndAsync([], Probe);
            await refeed.Should().ThrowAsync<InvalidRequestException>().WithMessage("*tail*80*append at least one token*");
            var after = await child.GenerateToEndAsync(ProbeTokens, Probe);
            after.Tokens.Should().HaveCount(3);
            child.Spans[^1].LogicalStart.Should().Be(80);
            child.Spans[^1].Length.Should().Be(ProbeTokens.Length + 2, "the probe and two of the three generated tokens are computed");
        }
        engine.Pool.FreeCount.Should().Be(free);
    }

    private static async Task<EngineSequence> Computed(InferenceEngine engine, int start, int[] tokens)
    {
        var s = engine.CreateSequence(start);
        s.Append(tokens);
        await s.PrefillAsync();
        return s;
    }

    private static async Task<IReadOnlyList<GeneratedToken>> Continue(EngineSequence s, int[] probe) =>
        (await s.GenerateToEndAsync(probe, Probe)).Tokens;

    private static void ShouldAgree(IReadOnlyList<GeneratedToken> actual, IReadOnlyList<GeneratedToken> expected)
    {
        actual.Select(t => t.Id).Should().Equal(expected.Select(t => t.Id));
        for (int i = 0; i < actual.Count; i++)
        {
            actual[i].Logprob.Should().BeApproximately(expected[i].Logprob, 2e-4f, $"token {i}");
            actual[i].TopLogprobs.Select(t => t.Id).Should().Equal(expected[i].TopLogprobs.Select(t => t.Id), $"top alternatives of token {i}");
            for (int k = 0; k < actual[i].TopLogprobs.Count; k++)
                actual[i].TopLogprobs[k].Logprob.Should().BeApproximately(expected[i].TopLogprobs[k].Logprob, 2e-4f, $"alternative {k} of token {i}");
        }
    }
}
