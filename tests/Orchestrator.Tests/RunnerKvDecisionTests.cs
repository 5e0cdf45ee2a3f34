using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

/// <summary>
/// The runner's forks at a position, KV joins and prunes, against fresh engine sequences that hold the same tokens at
/// the same logical positions (computed in one view, with no fork or join): the root's greedy continuation must match.
/// </summary>
public sealed class RunnerKvDecisionTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    private readonly ByteCodec _codec = new();

    public void Dispose() => _engine.Dispose();

    private sealed class Scripted(Func<PolicyStep, Decision> decide) : IProtocolPolicy
    {
        public Decision Decide(PolicyStep step) => decide(step);
    }

    private static readonly ThreadGenerationOptions Greedy8 = new() { MaxTokens = 8 };

    /// <summary>Children write "&lt;name&gt;;" (known in advance); the root generates with the model.</summary>
    private static readonly ProtocolRunner.GenerateStep ChildrenWrite = (thread, options, ct) =>
    {
        if (thread.Parent is null)
            return thread.GenerateAsync(options, ct);
        string text = $"<{thread.Name}>;";
        thread.Append(text);
        return Task.FromResult(new ThreadGeneration(text, text.Length, FinishReason.Stop, null, -1, false));
    };

    private static Scripted Once(string reason) => new(step => step.Observation is Observation.Started
        ? new Decision.Continue(Greedy8) : new Decision.Stop(StopOutcome.Finished(reason)));

    private ProtocolRunner Runner() => new(new ThreadRun(_engine, _codec), null, ChildrenWrite);

    [Fact(Timeout = 60_000)]
    public async Task Forks_at_positions_joined_by_kv_continue_like_one_sequence_holding_the_tokens_at_those_positions()
    {
        int free = _engine.Pool.FreeCount;
        EngineSequence? probe = null;
        // "Question: " holds positions 0-9; f0 writes "<f0>;" at 13-17 (a gap of three), the join starts its tail at 18;
        // g0 (forked from the joined root) writes "<g0>;" at 22-26 and the join text " J:" follows at 27-29.
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started => new Decision.Fork(1, _ => Once("f"), i => $"f{i}", At: 13),
            Observation.ChildrenDone { Children: [{ Thread.Name: "f0" }] } => new Decision.Join(JoinMode.Kv, ""),
            Observation.Joined when step.Rounds == 1 => new Decision.Fork(1, _ => Once("g"), i => $"g{i}", At: 22),
            Observation.ChildrenDone => new Decision.Join(JoinMode.Kv, " J:"),
            Observation.Joined => Probe(step.Thread, ref probe, new Decision.Continue(Greedy8)),
            Observation.Generated => new Decision.Stop(StopOutcome.Finished("done")),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner();

        var result = await runner.RunAsync("Question: ", root);
        var probed = await ScoredGreedyAsync(probe!);

        result.Rounds.Should().Be(2);
        var children = result.Thread.Children;
        children.Select(c => (c.Name, c.Status, c.EndReason)).Should().Equal(("f0", ThreadStatus.Finished, "f"), ("g0", ThreadStatus.Finished, "g"));
        var generated = result.LastGeneration!;
        result.Thread.Text.Should().Be("Question: <f0>;<g0>; J:" + generated.Text);
        runner.Run.Dispose();
        _engine.Pool.FreeCount.Should().Be(free, "the children and the root end and give their pages back");

        var expected = await ReferenceAsync([("Question: ", 0), ("<f0>;", 13), ("<g0>; J:", 22)]);
        generated.Tokens.Should().Be(expected.Tokens.Count);
        generated.Text.Should().Be(TextOf(expected), "the same greedy tokens");
        SameScores(probed, expected);
        Differ(probed, await ReferenceAsync([("Question: <f0>;<g0>; J:", 0)]), "the positions change the logprobs");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_pruned_child_span_continues_like_one_sequence_holding_the_kept_tokens_at_their_positions()
    {
        int free = _engine.Pool.FreeCount;
        var seen = new List<Observation>();
        EngineSequence? probe = null;
        var root = new Scripted(step =>
        {
            seen.Add(step.Observation);
            return step.Observation switch
            {
                Observation.Started => new Decision.Fork(1, _ => Once("f"), i => $"f{i}", At: 10),
                Observation.ChildrenDone => new Decision.Join(JoinMode.Kv, " J:"),
                Observation.Joined => new Decision.Prune(10, 15),   // f0's "<f0>;" at 10-14
                Observation.Pruned => Probe(step.Thread, ref probe, new Decision.Continue(Greedy8)),
                Observation.Generated => new Decision.Stop(StopOutcome.Finished("done")),
                var o => throw new InvalidOperationException(o.ToString()),
            };
        });
        var runner = Runner();

        var result = await runner.RunAsync("Question: ", root);
        var probed = await ScoredGreedyAsync(probe!);

        seen.Should().ContainEquivalentOf(new Observation.Pruned(10, 15));
        var generated = result.LastGeneration!;
        result.Thread.Text.Should().Be("Question:  J:" + generated.Text);
        runner.Run.Dispose();
        _engine.Pool.FreeCount.Should().Be(free);

        var expected = await ReferenceAsync([("Question: ", 0), (" J:", 15)]);
        generated.Tokens.Should().Be(expected.Tokens.Count);
        generated.Text.Should().Be(TextOf(expected), "the same greedy tokens");
        SameScores(probed, expected);
        Differ(probed, await ReferenceAsync([("Question:  J:", 0)]), "the kept tokens' positions change the logprobs");
        Differ(probed, await ReferenceAsync([("Question: <f0>; J:", 0)]), "the pruned tokens are gone");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Children_forked_at_a_position_end_with_their_outcomes_when_the_parent_does_not_join_them()
    {
        int free = _engine.Pool.FreeCount;
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started => new Decision.Fork(2, i => Once($"child {i}"), i => $"f{i}", At: 4),
            Observation.ChildrenDone => new Decision.Stop(StopOutcome.Of(new ThreadOutcome(ThreadOutcomeKind.Malformed, "no answer"))),
            var o => throw new InvalidOperationException(o.ToString()),
        });
        var runner = Runner();

        var result = await runner.RunAsync("Q: ", root);

        result.Thread.Children.Select(c => (c.Status, c.EndReason)).Should().Equal((ThreadStatus.Finished, "child 0"), (ThreadStatus.Finished, "child 1"));
        result.Thread.Outcome.Should().Be(new ThreadOutcome(ThreadOutcomeKind.Malformed, "no answer"));
        result.Thread.Status.Should().Be(ThreadStatus.Failed);
        var events = await TreeComparison.StructuralEvents(runner.Run);
        events.Should().Equal(
            "started 0 parent  'root'", "started 1 parent 0 'f0'", "started 2 parent 0 'f1'",
            "ended 1 Finished 'child 0'", "ended 2 Finished 'child 1'", "ended 0 Failed 'no answer'");
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_kv_join_of_a_spawned_round_is_a_typed_error_and_a_stop_outcome_kind_must_fit_its_status()
    {
        var root = new Scripted(step => step.Observation switch
        {
            Observation.Started => new Decision.Spawn(["x"], _ => Once("s")),
            _ => new Decision.Join(JoinMode.Kv, "j"),
        });
        var runner = Runner();

        await FluentActions.Awaiting(() => runner.RunAsync("p", root)).Should().ThrowAsync<InvalidRequestException>().WithMessage("*not forked at a position*");
        runner.Run.Dispose();

        FluentActions.Invoking(() => new StopOutcome(ThreadStatus.Finished, "x") { Kind = ThreadOutcomeKind.Budget })
            .Should().Throw<ArgumentException>().WithMessage("*status Failed*");
    }

    /// <summary>Takes a plain engine fork of the thread's context (pending tokens included) to score it after the run.</summary>
    private static Decision Probe(ReasoningThread thread, ref EngineSequence? probe, Decision then)
    {
        probe = thread.Sequence!.Fork();
        return then;
    }

    private static readonly SamplingOptions ScoredGreedy = new() { MaxTokens = 8, TopLogprobs = 5, StopTokenIds = [297] };

    private static async Task<GenerationResult> ScoredGreedyAsync(EngineSequence probe)
    {
        using (probe)
            return await probe.GenerateToEndAsync([], ScoredGreedy);
    }

    /// <summary>Same greedy tokens, each logprob and its top alternatives within float tolerance.</summary>
    private static void SameScores(GenerationResult actual, GenerationResult expected)
    {
        actual.Tokens.Select(t => t.Id).Should().Equal(expected.Tokens.Select(t => t.Id));
        for (int i = 0; i < expected.Tokens.Count; i++)
        {
            actual.Tokens[i].Logprob.Should().BeApproximately(expected.Tokens[i].Logprob, 1e-4f, $"token {i}");
            actual.Tokens[i].TopLogprobs.Select(t => t.Id).Should().Equal(expected.Tokens[i].TopLogprobs.Select(t => t.Id), $"token {i}");
            for (int k = 0; k < expected.Tokens[i].TopLogprobs.Count; k++)
                actual.Tokens[i].TopLogprobs[k].Logprob.Should().BeApproximately(expected.Tokens[i].TopLogprobs[k].Logprob, 1e-4f, $"token {i}, alternative {k}");
        }
    }

    /// <summary>The control: a context that differs must move the first token's alternatives' logprobs beyond the tolerance.</summary>
    private static void Differ(GenerationResult actual, GenerationResult control, string because)
    {
        var a = actual.Tokens[0].TopLogprobs.ToDictionary(t => t.Id, t => t.Logprob);
        float largest = control.Tokens[0].TopLogprobs.Where(t => a.ContainsKey(t.Id)).Select(t => Math.Abs(t.Logprob - a[t.Id])).DefaultIfEmpty(1f).Max();
        largest.Should().BeGreaterThan(1e-3f, because);
    }

    /// <summary>One fresh sequence: each text's tokens appended from its logical position on, computed before the next.</summary>
    private async Task<GenerationResult> ReferenceAsync(IReadOnlyList<(string Text, int At)> pieces)
    {
        using var seq = _engine.CreateSequence();
        for (int i = 0; i < pieces.Count; i++)
        {
            if (i > 0)
                seq.StartSpan(pieces[i].At);
            seq.Append(_codec.Encode(pieces[i].Text));
            if (i < pieces.Count - 1)
                await seq.PrefillAsync();
        }
        return await seq.GenerateToEndAsync([], ScoredGreedy);
    }

    /// <summary>The thread's text of generated tokens: a stop token id adds none.</summary>
    private string TextOf(GenerationResult result) =>
        _codec.Decode([.. result.Tokens.Where(t => !_codec.EndOfSequenceIds.Contains(t.Id)).Select(t => t.Id)]);
}
