using FluentAssertions;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Threads.Tests;

/// <summary>
/// A thread's stop strings, matched by the engine on the codec's decoded text, against a brute-force reference: decode
/// the free generation's tokens prefix by prefix and take the first prefix whose text holds any stop string.
/// </summary>
public sealed class StopStringTests : IDisposable
{
    private static readonly Lazy<TransformerModel> Model = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama")));
    private static readonly Lazy<Tokenizer> CountdownTokenizer = new(() =>
        Tokenizer.Load(Path.Combine(RepoPaths.Root, "src", "Tasks", "Countdown", "Resources", "tokenizer.json")));
    private const int MergedNodeToken = 325;
    private const string MergedNodeText = "]\nGenerated Node #";
    private readonly InferenceEngine _engine = new(Model.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8 });

    public void Dispose() => _engine.Dispose();

    [Fact(Timeout = 120_000)]
    public async Task The_stop_fires_on_the_same_token_as_a_brute_force_decode_of_prefixes_on_the_countdown_tokenizer()
    {
        var codec = new MappedCountdownCodec(CountdownTokenizer.Value);
        codec.Decode([0]).Should().Be(MergedNodeText, "the fixture maps its first ids to the one merged token");
        int freePages = _engine.Pool.FreeCount;
        const string prompt = "Current State: 24:[3, 5, 7], Operations: []";
        int insideMerged = 0, stopped = 0;
        for (int seed = 0; seed < 6; seed++)
        {
            var options = new ThreadGenerationOptions { MaxTokens = 40, Temperature = 1, Seed = (ulong)seed };
            var free = await GenerateAsync(codec, prompt, options);
            var ids = free.Ids;
            string full = codec.Decode(ids);
            free.Generation.Text.Should().Be(full);
            // A three-character window of the text that ends strictly inside a token of more than three characters.
            var ends = Enumerable.Range(0, ids.Count + 1).Select(k => codec.Decode([.. ids.Take(k)]).Length).ToList();
            int inside = Enumerable.Range(ids.Count / 3, ids.Count - ids.Count / 3).FirstOrDefault(k => ends[k + 1] - ends[k] > 3, -1);
            List<string[]> stopSets = [["]\nGenerated"], ["d Node", "]\nGenerated"], ["\u0001never"]];
            if (inside >= 0)
                stopSets.Add([full.Substring(ends[inside + 1] - 4, 3), "d Node", "]\nGen"]);
            foreach (var stops in stopSets)
            {
                int expected = Enumerable.Range(1, ids.Count)
                    .FirstOrDefault(k => stops.Any(s => codec.Decode([.. ids.Take(k)]).Contains(s, StringComparison.Ordinal)));
                var actual = await GenerateAsync(codec, prompt, options with { StopStrings = stops });
                string because = $"seed {seed}, stops [{string.Join(" | ", stops.Select(s => s.Replace("\n", "\\n")))}]";
                if (expected == 0)
                {
                    actual.Ids.Should().Equal(ids, because);
                    actual.Generation.StopString.Should().BeNull(because);
                    actual.Generation.StopIndex.Should().Be(-1, because);
                    actual.Generation.Text.Should().Be(full, because);
                    continue;
                }
                stopped++;
                string text = codec.Decode([.. ids.Take(expected)]);
                var first = stops.Select(s => (Stop: s, At: text.IndexOf(s, StringComparison.Ordinal))).Where(x => x.At >= 0).MinBy(x => x.At);
                if (first.At + first.Stop.Length < text.Length)
                    insideMerged++;
                actual.Ids.Should().Equal(ids.Take(expected), because);
                actual.Generation.Finish.Should().Be(FinishReason.Stop, because);
                actual.Generation.Text.Should().Be(text, because + ": the text runs through the end of the stopping token");
                actual.Generation.StopString.Should().Be(first.Stop, because);
                actual.Generation.StopIndex.Should().Be(first.At, because);
                actual.Generation.Outcome.Kind.Should().Be(ThreadOutcomeKind.StopString);
            }
        }
        stopped.Should().BeGreaterThan(3);
        insideMerged.Should().BeGreaterThan(0, "some stop string ends inside a merged token");
        _engine.Pool.FreeCount.Should().Be(freePages);
    }

    private async Task<(List<int> Ids, ThreadGeneration Generation)> GenerateAsync(ITextCodec codec, string prompt, ThreadGenerationOptions options)
    {
        using var run = new ThreadRun(_engine, codec);
        var root = run.CreateRoot(prompt);
        int before = codec.Encode(prompt).Count;
        var generation = await root.GenerateAsync(options);
        var ids = root.Sequence!.Tokens.Skip(before).ToList();
        ids.Should().HaveCount(generation.Tokens);
        root.End(ThreadStatus.Finished);
        return (ids, generation);
    }

    /// <summary>
    /// The Countdown tokenizer seen through the 300-id fixture model: model ids 0–29 all stand for the merged token
    /// "]\nGenerated Node #" (so random generations hold it often), the rest for Countdown tokens whose text is
    /// printable ASCII or a newline, single characters first. Text is encoded one character at a time.
    /// </summary>
    private sealed class MappedCountdownCodec : ITextCodec
    {
        private readonly TokenizerCodec _inner;
        private readonly int[] _toInner = new int[300];
        private readonly Dictionary<int, int> _fromInner = [];

        public MappedCountdownCodec(Tokenizer tokenizer)
        {
            _inner = new TokenizerCodec(tokenizer, []);
            static bool Plain(string s) => s.Length > 0 && s.All(c => c == '\n' || (c >= ' ' && c <= '~'));
            var plain = Enumerable.Range(0, tokenizer.VocabSize).Where(i => i != MergedNodeToken && Plain(_inner.Decode([i])))
                .OrderBy(i => _inner.Decode([i]).Length).ThenBy(i => i).ToList();
            for (int m = 0; m < _toInner.Length; m++)
                _toInner[m] = m < 30 ? MergedNodeToken : plain[(m - 30) % plain.Count];
            for (int m = _toInner.Length - 1; m >= 0; m--)
                _fromInner[_toInner[m]] = m;
        }

        public IReadOnlyList<int> EndOfSequenceIds => [];

        public IReadOnlyList<int> Encode(string text) =>
            [.. text.Select(c => _inner.Encode(c.ToString()).Single()).Select(id => _fromInner[id])];

        public string Decode(IReadOnlyList<int> ids) => _inner.Decode([.. ids.Select(id => _toInner[id])]);

        public ITextStreamDecoder CreateStreamDecoder() => new Stream(_inner.CreateStreamDecoder(), _toInner);

        private sealed class Stream(ITextStreamDecoder inner, int[] toInner) : ITextStreamDecoder
        {
            public string Push(int id) => inner.Push(toInner[id]);
            public string Flush() => inner.Flush();
        }
    }
}
