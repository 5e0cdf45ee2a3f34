using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tests.Support;
using Reasoning.Engine.Tokenization;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary>Stop strings as data: the engine decodes and matches them itself, after the step.</summary>
public sealed class StopStringsTests
{
    private const string Fixture = "tiny-qwen2";

    [Fact(Timeout = 60_000)]
    public async Task The_stop_fires_on_the_token_whose_text_first_contains_the_stop_string()
    {
        var tokenizer = Tokenizer.Load(RepoPaths.FixtureModel(Fixture));
        using var engine = new InferenceEngine(Fixtures.Model(Fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        var prompt = Fixtures.RandomTokens(11, 7);
        // A random model's greedy text repeats one token; sampled text (seeded) has characters to stop on.
        var sampling = new SamplingOptions { MaxTokens = 60, Temperature = 1, Seed = 5 };
        var free = await IdsAsync(engine, prompt, sampling);
        string full = tokenizer.Decode(free);
        int checkedCases = 0;
        // Every two-character window of the free text made of whole characters is a stop string; the expected last
        // token is the first prefix whose plain (non-streamed) decode contains it.
        for (int at = 0; at + 2 <= full.Length && checkedCases < 6; at++)
        {
            string stop = full.Substring(at, 2);
            if (stop.Contains('\uFFFD') || char.IsSurrogate(stop[0]) || char.IsSurrogate(stop[1]))
                continue;
            int expectedCount = Enumerable.Range(1, free.Count).First(k => tokenizer.Decode(free.Take(k)).Contains(stop, StringComparison.Ordinal));
            using var seq = engine.CreateSequence();
            var result = await seq.GenerateToEndAsync(prompt, sampling, new StopStrings([stop], tokenizer));
            result.Tokens.Select(t => t.Id).Should().Equal(free.Take(expectedCount), $"stop string {stop}");
            result.Finish.Should().Be(FinishReason.Stop);
            var last = result.Tokens[^1];
            last.StopString.Should().Be(stop);
            string text = string.Concat(result.Tokens.Select(t => t.Text));
            text.Should().Be(tokenizer.Decode(free.Take(expectedCount)), "the pieces concatenate to the decoded text");
            last.StopIndex.Should().Be(full.IndexOf(stop, StringComparison.Ordinal));
            result.Tokens.Take(result.Tokens.Count - 1).Should().OnlyContain(t => t.StopString == null && t.StopIndex == -1);
            checkedCases++;
        }
        checkedCases.Should().BeGreaterThan(2, "the free text has whole characters to stop on");
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Several_stop_strings_end_on_the_first_token_whose_decoded_prefix_holds_any_of_them()
    {
        var tokenizer = Tokenizer.Load(RepoPaths.FixtureModel(Fixture));
        using var engine = new InferenceEngine(Fixtures.Model(Fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        int checkedCases = 0;
        for (int seed = 0; seed < 8; seed++)
        {
            var prompt = Fixtures.RandomTokens(100 + seed, 5);
            var options = new SamplingOptions { MaxTokens = 30, Temperature = seed % 2 == 0 ? 0 : 1, Seed = (ulong)seed, StopTokenIds = [297] };
            var free = await IdsAsync(engine, prompt, options);
            string full = tokenizer.Decode(free);
            // Two whole-character windows of the free text (the later one listed first), or a string it never holds.
            static bool Whole(string s) => !s.Any(c => c == '\uFFFD' || char.IsSurrogate(c));
            var windows = Enumerable.Range(0, Math.Max(0, full.Length - 1)).Select(i => full.Substring(i, 2)).Where(Whole).ToList();
            string[] stops = windows.Count >= 2 ? [windows[windows.Count / 2], windows[windows.Count / 4]] : ["\u0001\u0002"];

            // Brute force: the first prefix (a stop token id is never decoded) whose plain decode holds any stop string.
            int expected = Enumerable.Range(1, free.Count)
                .FirstOrDefault(k => free[k - 1] != 297 && stops.Any(st => tokenizer.Decode(free.Take(k)).Contains(st, StringComparison.Ordinal)));
            using var seq = engine.CreateSequence();
            var data = await seq.GenerateToEndAsync(prompt, options, new StopStrings(stops, tokenizer));

            if (expected == 0)
            {
                data.Tokens.Select(t => t.Id).Should().Equal(free, $"seed {seed}: no stop string in the text");
                continue;
            }
            data.Tokens.Select(t => t.Id).Should().Equal(free.Take(expected), $"seed {seed}");
            data.Finish.Should().Be(FinishReason.Stop);
            string text = string.Concat(data.Tokens.Select(t => t.Text));
            int first = stops.Select(st => text.IndexOf(st, StringComparison.Ordinal)).Where(i => i >= 0).Min();
            data.Tokens[^1].StopIndex.Should().Be(first);
            checkedCases++;
        }
        checkedCases.Should().BeGreaterThan(2);
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Text_generation_cuts_the_text_before_the_stop_string()
    {
        var tokenizer = Tokenizer.Load(RepoPaths.FixtureModel(Fixture));
        using var engine = new InferenceEngine(Fixtures.Model(Fixture), new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 16 });
        var prompt = Fixtures.RandomTokens(11, 7);
        var sampling = new SamplingOptions { MaxTokens = 60, Temperature = 1, Seed = 5 };
        var free = await IdsAsync(engine, prompt, sampling);
        string full = tokenizer.Decode(free, skipSpecialTokens: true);
        int at = Enumerable.Range(4, full.Length - 6).First(i => !full.Substring(i, 2).Any(c => c == '\uFFFD' || char.IsSurrogate(c)));
        string stop = full.Substring(at, 2);
        using var seq = engine.CreateSequence();
        var result = await TextGeneration.CollectAsync(seq, tokenizer, prompt, prompt,
            new TextGenerationOptions { Sampling = sampling, StopStrings = [stop], IgnoreEos = true });
        result.Text.Should().Be(full[..full.IndexOf(stop, StringComparison.Ordinal)]);
        result.Finish.Should().Be(FinishReason.Stop);
    }

    private static async Task<List<int>> IdsAsync(InferenceEngine engine, IReadOnlyList<int> prompt, SamplingOptions options)
    {
        using var seq = engine.CreateSequence();
        return (await seq.GenerateToEndAsync(prompt, options)).Tokens.Select(t => t.Id).ToList();
    }
}
