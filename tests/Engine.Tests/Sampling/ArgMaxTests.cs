using FluentAssertions;
using Reasoning.Engine.Sampling;
using Xunit;

namespace Reasoning.Engine.Tests.Sampling;

/// <summary>
/// The vectorized <see cref="Sampler.ArgMax"/> against the plain loop it replaces (written here): the first index of
/// the largest value, NaN passed over unless it comes first, on awkward lengths, many ties, signed zeros and infinities,
/// in its vectorized and plain forms.
/// </summary>
public sealed class ArgMaxTests
{
    private static int Reference(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    public static TheoryData<int> Lengths => [1, 2, 7, 15, 16, 17, 31, 32, 33, 47, 64, 65, 100, 1000, 151_936];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Equals_the_plain_loop_on_random_values_with_ties_and_specials(int length)
    {
        var random = new Random(length);
        float[] specials = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, 3f, -3f];
        for (int trial = 0; trial < 200; trial++)
        {
            var values = new float[length];
            int kind = trial % 5;
            for (int i = 0; i < length; i++)
                values[i] = kind switch
                {
                    0 => (float)(random.NextDouble() * 20 - 10),                 // distinct values
                    1 => random.Next(4),                                           // many ties
                    2 => random.Next(10) == 0 ? specials[random.Next(specials.Length)] : (float)(random.NextDouble() * 6 - 3),
                    3 => random.Next(2) == 0 ? 0f : -0f,                           // signed zeros only
                    _ => -1e30f * (1 + random.Next(3)),                            // large negatives (masked logits)
                };
            if (trial % 17 == 0)
                values[random.Next(length)] = float.NaN;
            if (trial % 23 == 0)
                values[0] = float.NaN;
            int expected = Reference(values);
            Sampler.ArgMax(values).Should().Be(expected, $"length {length}, trial {trial}");
            foreach (bool vectorized in new[] { true, false })   // both forms, whatever this machine runs by default
                Sampler.ArgMax(values, vectorized).Should().Be(expected, $"length {length}, trial {trial}, vectorized {vectorized}");
        }
    }

    [Fact]
    public void The_maximum_in_the_tail_after_the_last_full_vector_is_found()
    {
        var values = Enumerable.Range(0, 70).Select(i => (float)-i).ToArray();
        values[69] = 5;
        values[3] = 5;
        Sampler.ArgMax(values, vectorized: true).Should().Be(3);
        values[3] = 4;
        Sampler.ArgMax(values, vectorized: true).Should().Be(69);
    }

    [Fact]
    public void No_values_is_a_clear_error() =>
        FluentActions.Invoking(() => Sampler.ArgMax([])).Should().Throw<ArgumentException>().WithMessage("*no values*");
}
