using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

public sealed class ThreadGroupTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });
    private readonly ByteCodec _codec = new();

    public void Dispose() => _engine.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task A_group_generates_its_members_in_the_same_engine_steps()
    {
        using var run = new ThreadRun(_engine, _codec);
        var root = run.CreateRoot("Plan: ");
        var group = new ThreadGroup(run, root.Spawn(["one", "two", "three"]));
        group.AppendEach((t, i) => $" member {i}:");
        group.Members.Select(m => m.Text).Should().Equal("one member 0:", "two member 1:", "three member 2:");
        long before = _engine.Steps;

        var results = await group.GenerateAllAsync(new ThreadGenerationOptions { MaxTokens = 12 });

        results.Should().OnlyContain(r => r.Tokens == 12);
        (_engine.Steps - before).Should().Be(12, "the members share every step, their prompts prefilled in the first");
        group.Invoking(g => g.AppendEach(["only one"])).Should().Throw<ArgumentException>().WithMessage("*3 members but 1 texts*");
    }

    [Fact(Timeout = 60_000)]
    public async Task Shared_cache_workers_see_each_other_exactly_as_an_explicit_view_of_the_same_tokens()
    {
        int free = _engine.Pool.FreeCount;
        const string prompt = "Shared prompt: ";
        const int stride = 40, steps = 5;
        using (var run = new ThreadRun(_engine, _codec))
        {
            var root = run.CreateRoot(prompt);
            var group = await SharedCacheGroup.CreateAsync(root, 3, stride);
            group.AppendEach(["alpha ", "beta ", "gamma "]);
            long before = _engine.Steps;
            for (int s = 0; s < steps; s++)
                (await group.StepAsync(new ThreadGenerationOptions())).Should().OnlyContain(r => r.Tokens == 1);
            (_engine.Steps - before).Should().Be(steps, "one row per worker per step");
            group.Reattach();

            // Each worker's own tokens, as the worker wrote them (its tail span); the others' are attached before it.
            var own = group.Members.Select(m => m.Sequence!.Tokens.Skip(m.Sequence.Spans[^1].TokenOffset).ToArray()).ToArray();
            var computedOwn = group.Members.Select(m => m.Sequence!.Spans[^1].Length).ToArray();
            int start = _codec.Encode(prompt).Count;
            var w0 = group.Members[0];
            w0.Sequence!.Tokens.Should().Equal([.. _codec.Encode(prompt), .. own[1][..computedOwn[1]], .. own[2][..computedOwn[2]], .. own[0]]);
            w0.Sequence.Spans.Select(s => s.LogicalStart).Should().Equal(0, start + stride, start + 2 * stride, start);
            string[] first = ["alpha ", "beta ", "gamma "];
            w0.Text.Should().Be(prompt + Visible(own[1], computedOwn[1], first[1] + group.Members[1].GeneratedText)
                + Visible(own[2], computedOwn[2], first[2] + group.Members[2].GeneratedText) + first[0] + w0.GeneratedText);

            // The reference view, built by hand: the prompt computed fresh, then the same spans at the same positions.
            using var reference = _engine.CreateSequence(_codec.Encode(prompt));
            await reference.PrefillAsync();
            for (int j = 1; j <= 3; j++)
            {
                var m = group.Members[j % 3];
                reference.AttachSpans(m.Sequence!, m.Sequence!.Spans.Count - 1);
            }
            reference.Tokens.Should().Equal(w0.Sequence.Tokens.Take(w0.Sequence.ComputedLength));
            var probe = _codec.Encode(" next");
            var options = new SamplingOptions { MaxTokens = 4, TopLogprobs = 5 };
            var expected = await reference.GenerateToEndAsync([.. own[0][computedOwn[0]..], .. probe], options);
            var actual = await w0.Sequence.GenerateToEndAsync(probe, options);
            actual.Tokens.Select(t => t.Id).Should().Equal(expected.Tokens.Select(t => t.Id));
            for (int i = 0; i < actual.Tokens.Count; i++)
                actual.Tokens[i].Logprob.Should().BeApproximately(expected.Tokens[i].Logprob, 1e-4f);
        }
        _engine.Pool.FreeCount.Should().Be(free, "stale copies of live pages are released with the views");
    }

    /// <summary>The text another worker's computed tokens show: their decode, less a character they end inside of.</summary>
    private string Visible(int[] tokens, int computed, string full)
    {
        for (int k = computed; k > 0; k--)
        {
            string decoded = _codec.Decode(tokens[..k]);
            if (full.StartsWith(decoded, StringComparison.Ordinal))
                return decoded;
        }
        return "";
    }
}
