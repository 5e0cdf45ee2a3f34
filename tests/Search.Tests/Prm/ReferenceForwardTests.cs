using System.Text.Json;
using FluentAssertions;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Search.Tests.Prm;

/// <summary>The test's scalar reference forward against the float64 numpy logits shipped with the fixture models.</summary>
public sealed class ReferenceForwardTests
{
    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen2")]
    public void Logits_match_the_fixture_reference(string fixture)
    {
        string dir = RepoPaths.FixtureModel(fixture);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "reference.json")));
        var prompt = doc.RootElement.GetProperty("prompts")[0];
        var ids = prompt.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var logits = prompt.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(e => e.GetDouble()).ToArray()).ToArray();
        using var reference = new ReferenceForward(dir);
        var hidden = reference.Hidden(ids);
        double worst = 0;
        for (int t = 0; t < ids.Length; t++)
        {
            var row = reference.LmLogits(hidden[t]);
            for (int v = 0; v < row.Length; v++)
                worst = Math.Max(worst, Math.Abs(row[v] - logits[t][v]));
        }
        worst.Should().BeLessThan(1e-5, "both are float64 forwards over the same weights; reference.json rounds to 6 significant digits");
    }
}
