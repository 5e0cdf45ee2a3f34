using FluentAssertions;
using Reasoning.Engine.Sampling;
using Xunit;

namespace Reasoning.Engine.Tests.Sampling;

public sealed class SamplerTests
{
    /// <summary>
    /// The obviously-correct sampler: every token sorted (logit descending, id ascending), temperature, top-k, min-p,
    /// top-p over that order, one uniform draw over what is kept.
    /// </summary>
    private static int Reference(float[] logits, SamplingOptions o, RandomStream random)
    {
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();
        int count = o.TopK > 0 ? Math.Min(o.TopK, order.Length) : order.Length;
        double max = logits[order[0]] / (double)o.Temperature;
        var probs = order.Take(count).Select(i => Math.Exp(logits[i] / (double)o.Temperature - max)).ToArray();
        double sum = probs.Sum();
        for (int i = 0; i < count; i++)
            probs[i] /= sum;
        if (o.MinP > 0)
            count = Math.Max(1, probs.TakeWhile(p => p >= o.MinP * probs[0]).Count());
        if (o.TopP < 1)
        {
            double cumulative = 0;
            int kept = 0;
            while (kept < count && (cumulative += probs[kept++]) < o.TopP) { }
            count = kept;
        }
        double u = random.NextDouble() * probs.Take(count).Sum();
        double acc = 0;
        for (int i = 0; i < count; i++)
            if (u < (acc += probs[i]))
                return order[i];
        return order[count - 1];
    }

    // With no filter at all the sampler walks the ids in order instead (no sort needed): another exact mapping from
    // the uniform draw to tokens, checked by its frequencies below.
    public static TheoryData<float, int, float, float> Settings => new()
    {
        { 1f, 5, 1f, 0f }, { 0.9f, 50, 0.95f, 0.01f }, { 1f, 0, 0.9f, 0f },
        { 1.3f, 0, 1f, 0.05f }, { 1f, 0, 0.999999f, 0f }, { 1f, 0, 1f, 1e-30f }, { 0.5f, 3000, 0.5f, 0f },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Draws_the_same_token_as_the_full_sort_reference(float temperature, int topK, float topP, float minP)
    {
        var options = new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP, MinP = minP };
        var data = new Random(42);
        int differences = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            int vocab = data.Next(2, 5000);
            double spread = data.NextDouble() * 30;   // from nearly flat to very peaked distributions
            var logits = Enumerable.Range(0, vocab).Select(_ => (float)((data.NextDouble() - 0.5) * spread)).ToArray();
            if (trial % 7 == 0)
                for (int i = 0; i < vocab; i += 3)
                    logits[i] = logits[0];   // ties, broken by id
            ulong seed = (ulong)trial;
            int expected = Reference(logits, options, new RandomStream(seed));
            int actual = Sampler.Sample(logits, options, new RandomStream(seed)).Id;
            if (actual != expected)
                differences++;
        }
        // Normalizing sums run in another order than the reference's, so a draw within ~1e-15 of a boundary could
        // flip; over 300 random draws none should.
        differences.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Frequencies_follow_the_tempered_distribution(int topK)
    {
        float[] logits = [2f, 1f, 0f, -1f, float.NegativeInfinity];
        var options = new SamplingOptions { Temperature = 0.8f, TopK = topK };
        var random = new RandomStream(3);
        var counts = new int[logits.Length];
        const int draws = 40_000;
        for (int i = 0; i < draws; i++)
            counts[Sampler.Sample(logits, options, random).Id]++;
        var weights = logits.Select((l, i) => topK > 0 && i >= topK ? 0 : Math.Exp(l / 0.8)).ToArray();
        double total = weights.Sum();
        for (int i = 0; i < logits.Length; i++)
        {
            double p = weights[i] / total;
            double sigma = Math.Sqrt(p * (1 - p) / draws);
            ((double)counts[i] / draws).Should().BeApproximately(p, 5 * sigma + 1e-9, $"token {i}");
        }
    }

    [Fact]
    public void A_nan_logit_weighs_nothing_and_the_others_keep_their_odds()
    {
        float[] logits = [1f, float.NaN, 0.5f, -2f];
        foreach (var options in new[] { new SamplingOptions { Temperature = 1f }, new SamplingOptions { Temperature = 1f, TopP = 0.99999f } })
        {
            var random = new RandomStream(5);
            var counts = new int[logits.Length];
            for (int i = 0; i < 4000; i++)
                counts[Sampler.Sample(logits, options, random).Id]++;
            counts[1].Should().Be(0);
            // e^1 : e^0.5 : e^-2 = 0.60 : 0.37 : 0.03
            ((double)counts[0] / 4000).Should().BeApproximately(0.60, 0.04, $"top-p {options.TopP}");
            ((double)counts[2] / 4000).Should().BeApproximately(0.37, 0.04, $"top-p {options.TopP}");
        }
    }
}
