using System.Text.Json;
using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>The Countdown models' tokenizer, read by the engine, against ids from @huggingface/tokenizers (JavaScript).</summary>
public sealed class CountdownTokenizerTests
{
    [Fact]
    public void The_engine_tokenizer_matches_the_javascript_ids_on_countdown_traces()
    {
        string tokenizerPath = Path.Combine(RepoPaths.Root, "src", "Tasks", "Countdown", "Resources", "tokenizer.json");
        string expectedPath = Path.Combine(RepoPaths.Root, "tests", "Tasks.Tests", "TokenizerReference", "expected.json");
        var tokenizer = Tokenizer.Load(tokenizerPath);
        using var expected = JsonDocument.Parse(File.ReadAllText(expectedPath));

        var cases = expected.RootElement.GetProperty("cases").EnumerateArray().ToList();
        cases.Should().HaveCountGreaterThan(100);
        foreach (var c in cases)
        {
            string text = c.GetProperty("text").GetString()!;
            var ids = c.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            tokenizer.Encode(text, addSpecialTokens: false).Should().Equal(ids, text.Length > 60 ? text[..60] : text);
            tokenizer.Decode(ids).Should().Be(text);
        }
    }
}
