using FluentAssertions;
using Reasoning.Engine.Sampling;
using Xunit;

namespace Reasoning.Engine.Tests.Sampling;

public sealed class TemperedWeightsTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(7, 0.7)]
    [InlineData(4099, 1.3)]
    [InlineData(151_936, 1.0)]
    public void Weights_match_scalar_exponentials_and_the_total_is_their_sum_in_order(int vocab, double t)
    {
        var random = new Random(vocab);
        var logits = Enumerable.Range(0, vocab).Select(_ => (float)((random.NextDouble() - 0.5) * 60)).ToArray();
        if (vocab > 10)
        {
            logits[3] = float.NaN;
            logits[5] = float.NegativeInfinity;
        }
        double max = logits.Where(l => !float.IsNaN(l)).Max() / t;
        var weights = new double[vocab];
        double total = TemperedWeights.Fill(logits, t, max, weights);

        double expectedTotal = 0;
        for (int i = 0; i < vocab; i++)
        {
            double expected = float.IsNaN(logits[i]) ? 0 : Math.Exp(logits[i] / t - max);
            if (expected == 0)
                weights[i].Should().Be(0, $"weight {i}");
            else
                (Math.Abs(weights[i] - expected) / expected).Should().BeLessThan(1e-14, $"weight {i}");
            expectedTotal += weights[i];
        }
        total.Should().Be(expectedTotal);   // the same additions in the same order
    }

    [Fact]
    public void Log_softmax_matches_a_double_precision_reference()
    {
        var random = new Random(3);
        var logits = Enumerable.Range(0, 1000).Select(_ => (float)(random.NextDouble() * 40 - 20)).ToArray();
        double max = logits.Max();
        double logZ = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        var actual = Sampler.LogSoftmax(logits);
        for (int i = 0; i < logits.Length; i++)
            actual[i].Should().BeApproximately((float)(logits[i] - logZ), 1e-5f);
    }
}
