namespace Reasoning.Engine.Sampling;

/// <summary>A token drawn by the sampler, with its log-probability under the model and the most likely alternatives.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Logprob">log p(token) under the model's distribution (softmax of the raw logits).</param>
/// <param name="TopLogprobs">The most likely tokens and their log-probabilities, most likely first (empty unless asked).</param>
public readonly record struct SampledToken(int Id, float Logprob, IReadOnlyList<TokenLogprob> TopLogprobs);

/// <summary>A token id with its log-probability.</summary>
public readonly record struct TokenLogprob(int Id, float Logprob);

/// <summary>
/// Chooses the next token from logits: greedy at temperature 0, else temperature, top-k, min-p and top-p filters
/// applied in that order to the exact distribution, then one draw from the sequence's own random stream.
/// </summary>
public static class Sampler
{
    /// <summary>Draws a token from <paramref name="logits"/> under <paramref name="options"/>.</summary>
    public static SampledToken Sample(ReadOnlySpan<float> logits, SamplingOptions options, RandomStream random)
    {
        int id = options.Temperature == 0 ? ArgMax(logits) : Draw(logits, options, random);
        var logprobs = LogSoftmax(logits);
        IReadOnlyList<TokenLogprob> top = options.TopLogprobs > 0 ? TopK(logprobs, options.TopLogprobs) : [];
        return new SampledToken(id, logprobs[id], top);
    }

    /// <summary>The index of the largest value; the lowest index wins a tie.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    private static int Draw(ReadOnlySpan<float> logits, SamplingOptions o, RandomStream random)
    {
        // Candidates sorted by logit (descending, then id ascending) so filters and the draw are deterministic.
        var order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var keys = logits.ToArray();
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));

        int count = o.TopK > 0 ? Math.Min(o.TopK, order.Length) : order.Length;
        var probs = new double[count];
        double max = keys[order[0]] / (double)o.Temperature;
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            probs[i] = Math.Exp(keys[order[i]] / (double)o.Temperature - max);
            sum += probs[i];
        }
        for (int i = 0; i < count; i++)
            probs[i] /= sum;

        if (o.MinP > 0)
        {
            double floor = o.MinP * probs[0];
            int kept = 1;
            while (kept < count && probs[kept] >= floor)
                kept++;
            count = kept;
        }
        if (o.TopP < 1)
        {
            double cumulative = 0;
            int kept = 0;
            while (kept < count)
            {
                cumulative += probs[kept++];
                if (cumulative >= o.TopP)
                    break;
            }
            count = kept;
        }

        double total = 0;
        for (int i = 0; i < count; i++)
            total += probs[i];
        double u = random.NextDouble() * total;
        double acc = 0;
        for (int i = 0; i < count; i++)
        {
            acc += probs[i];
            if (u < acc)
                return order[i];
        }
        return order[count - 1];
    }

    /// <summary>log softmax of the logits, in double precision then rounded.</summary>
    public static float[] LogSoftmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits)
            max = Math.Max(max, l);
        double sum = 0;
        foreach (float l in logits)
            sum += Math.Exp(l - max);
        double logZ = max + Math.Log(sum);
        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
            result[i] = (float)(logits[i] - logZ);
        return result;
    }

    private static IReadOnlyList<TokenLogprob> TopK(float[] logprobs, int k)
    {
        var best = new List<TokenLogprob>(k + 1);
        for (int i = 0; i < logprobs.Length; i++)
        {
            if (best.Count == k && logprobs[i] <= best[^1].Logprob)
                continue;
            int at = best.Count;
            while (at > 0 && best[at - 1].Logprob < logprobs[i])
                at--;
            best.Insert(at, new TokenLogprob(i, logprobs[i]));
            if (best.Count > k)
                best.RemoveAt(best.Count - 1);
        }
        return best;
    }
}
