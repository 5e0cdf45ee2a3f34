using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Orchestrator.Baselines;
using Reasoning.Search;
using Reasoning.TestSupport;
using Reasoning.Threads;
using Xunit;

namespace Reasoning.Orchestrator.Tests;

public sealed class ConsensusProtocolTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task Majority_picks_the_most_frequent_answer_among_traces_that_share_the_prompt()
    {
        int free = _engine.Pool.FreeCount;
        using (var run = new ThreadRun(_engine, new ByteCodec()))
        {
            // The "answer" of a trace is its first generated character's class: a deterministic key over sampled text.
            string prompt = "The answer is: ";
            var result = await ConsensusProtocol.RunAsync(run, prompt, 7, ConsensusMode.Majority,
                new ThreadGenerationOptions { MaxTokens = 6, Temperature = 1, Seed = 11 },
                text => text.Length > prompt.Length ? (text[prompt.Length] % 2 == 0 ? "even" : "odd") : null);

            result.Traces.Should().HaveCount(7);
            result.Traces.Should().OnlyContain(t => t.Text.StartsWith(prompt));
            var counts = result.Answers.Where(a => a is not null).GroupBy(a => a).ToDictionary(g => g.Key!, g => g.Count());
            result.Answers[result.Chosen].Should().Be(counts.MaxBy(kv => kv.Value).Key);
            run.Threads.Should().HaveCount(8, "the prompt thread and its 7 forks");
        }
        _engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Pass_at_n_chooses_a_verified_trace_or_none()
    {
        using var run = new ThreadRun(_engine, new ByteCodec());
        var none = await ConsensusProtocol.RunAsync(run, "x", 3, ConsensusMode.AnyCorrect, new ThreadGenerationOptions { MaxTokens = 3, Temperature = 1 },
            _ => "a", _ => false);
        none.Chosen.Should().Be(-1);

        using var run2 = new ThreadRun(_engine, new ByteCodec());
        var some = await ConsensusProtocol.RunAsync(run2, "x", 3, ConsensusMode.AnyCorrect, new ThreadGenerationOptions { MaxTokens = 3, Temperature = 1 },
            _ => "a", text => text.Length > 1);
        some.Chosen.Should().Be(0);
    }
}
