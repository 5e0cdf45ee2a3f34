using System.Numerics;
using System.Runtime.InteropServices;

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
        // The weights at temperature 1 give the log-normalizer; a draw at temperature 1 reuses them (same t, same max)
        // instead of computing them again.
        int best = ArgMax(logits);
        double maxLogit = logits[best];
        double total = TemperedWeights.Fill(logits, 1.0, maxLogit, TemperedWeights.Scratch(logits.Length));
        double logZ = maxLogit + Math.Log(total);
        int id = options.Temperature == 0 ? best : Draw(logits, options, random, options.Temperature == 1 ? total : null, best);
        IReadOnlyList<TokenLogprob> top = options.TopLogprobs > 0 ? TopLogprobs(logits, options.TopLogprobs, logZ) : [];
        return new SampledToken(id, (float)(logits[id] - logZ), top);
    }

    /// <summary>
    /// The log-probability of a given token <paramref name="id"/> under <paramref name="logits"/> (log-softmax in double
    /// precision, then rounded) and the <paramref name="topLogprobs"/> most likely tokens: scoring, not sampling.
    /// </summary>
    public static SampledToken Score(ReadOnlySpan<float> logits, int id, int topLogprobs)
    {
        double logZ = LogNormalizer(logits);
        IReadOnlyList<TokenLogprob> top = topLogprobs > 0 ? TopLogprobs(logits, topLogprobs, logZ) : [];
        return new SampledToken(id, (float)(logits[id] - logZ), top);
    }

    /// <summary>log Σ exp(logit), in double precision (NaN logits left out).</summary>
    private static double LogNormalizer(ReadOnlySpan<float> logits)
    {
        double max = logits[ArgMax(logits)];
        return max + Math.Log(TemperedWeights.Fill(logits, 1.0, max, TemperedWeights.Scratch(logits.Length)));
    }

    /// <summary>
    /// The index of the largest value; the lowest index wins a tie (−0 and +0 tie). NaN values are passed over, except
    /// that a NaN first value is never replaced (the result is 0), as the plain loop <c>if (v[i] &gt; v[best]) best =
    /// i</c> decides. Vectorized: one pass keeps a running maximum per lane, a second finds the first vector holding it
    /// (the plain loop over a 151,936-token vocabulary took ~0.15 ms, three times a sampled token).
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> values) => ArgMax(values, Vector.IsHardwareAccelerated);

    /// <summary><see cref="ArgMax(ReadOnlySpan{float})"/>, vectorized or as the plain loop, so tests reach both forms.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values, bool vectorized)
    {
        if (values.Length == 0)
            throw new ArgumentException("no values to take the maximum of.", nameof(values));
        int width = Vector<float>.Count;
        if (!vectorized || float.IsNaN(values[0]) || values.Length < 2 * width)
            return ArgMaxFrom(values, 0, 0);   // a NaN first value stays the answer
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var max = new Vector<float>(values[0]);
        foreach (var x in vectors)
            max = Vector.ConditionalSelect(Vector.GreaterThan(x, max), x, max);   // a NaN never enters
        float best = max[0];
        for (int lane = 1; lane < width; lane++)
            if (max[lane] > best)
                best = max[lane];
        int tail = vectors.Length * width, first = 0;
        var target = new Vector<float>(best);
        for (int j = 0; j < vectors.Length; j++)
            if (Vector.EqualsAny(vectors[j], target))
            {
                first = j * width;
                while (values[first] != best)
                    first++;
                break;
            }
        return ArgMaxFrom(values, tail, first);   // the values after the last whole vector
    }

    // The plain loop from index `from` with `best` the best so far.
    private static int ArgMaxFrom(ReadOnlySpan<float> values, int from, int best)
    {
        for (int i = from; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    // filledTotal: the scratch weights already hold this temperature's weights, summing to it (see Sample).
    // best: the index of the largest logit.
    private static int Draw(ReadOnlySpan<float> logits, SamplingOptions o, RandomStream random, double? filledTotal, int best, bool sortAll = false)
    {
        double t = o.Temperature;
        float maxLogit = logits[best];
        double max = maxLogit / t;
        if (o.TopK == 0 && o.MinP == 0 && o.TopP >= 1)
            return DrawInIndexOrder(logits, t, max, random, filledTotal);
        bool topK = o.TopK > 0 && o.TopK < logits.Length;

        // Candidates in the order the filters need: logit descending, then id ascending. Sorting all of a 150k
        // vocabulary costs more than the forward step of a small model, so only the tokens that can matter are sorted:
        // the top k, or (without top-k) those within e^-40 of the best, with a full sort when they are not enough.
        long[] order = topK ? TopKeys(logits, o.TopK) : KeysAbove(logits, t, max, sortAll ? double.NegativeInfinity : CutoffLog);
        Array.Sort(order);
        double normalizer = 0;
        var probs = new double[order.Length];
        if (topK)
        {
            for (int i = 0; i < order.Length; i++)
                normalizer += probs[i] = Math.Exp(logits[IdOf(order[i])] / t - max);
        }
        else
        {
            var weights = TemperedWeights.Scratch(logits.Length);
            normalizer = filledTotal ?? TemperedWeights.Fill(logits, t, max, weights);   // a NaN logit weighs nothing (it is never drawn)
            for (int i = 0; i < order.Length; i++)
                probs[i] = weights[IdOf(order[i])];
        }
        bool complete = topK || sortAll || order.Length == logits.Length;   // sortAll: never sort again (NaN logits are left out)
        for (int i = 0; i < order.Length; i++)
            probs[i] /= normalizer;
        int count = order.Length;
        if (o.MinP > 0)
        {
            if (!complete && Math.Log(o.MinP) < CutoffLog)
                return DrawAll(logits, o, random, filledTotal, best);   // the floor reaches below the tokens kept: sort them all
            double floor = o.MinP * probs[0];
            int kept = 1;
            while (kept < count && probs[kept] >= floor)
                kept++;
            count = kept;
            complete = true;   // every token past the floor is out, kept or not
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
            if (cumulative < o.TopP && !complete)
                return DrawAll(logits, o, random, filledTotal, best);   // the nucleus is larger than the tokens kept
            count = kept;
        }
        else if (!complete)
            return DrawAll(logits, o, random, filledTotal, best);

        double total = 0;
        for (int i = 0; i < count; i++)
            total += probs[i];
        double u = random.NextDouble() * total;
        double acc = 0;
        for (int i = 0; i < count; i++)
        {
            acc += probs[i];
            if (u < acc)
                return IdOf(order[i]);
        }
        return IdOf(order[count - 1]);
    }

    /// <summary>Tokens whose scaled logit is below the best by more than this are left out of the first sort.</summary>
    private const double CutoffLog = -40;

    // Plain temperature sampling: the cumulative sum in id order needs no sort.
    private static int DrawInIndexOrder(ReadOnlySpan<float> logits, double t, double max, RandomStream random, double? filledTotal)
    {
        var weights = TemperedWeights.Scratch(logits.Length);
        double total = filledTotal ?? TemperedWeights.Fill(logits, t, max, weights);
        double u = random.NextDouble() * total;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double p = weights[i];
            if (!(p > 0))   // zero (or a NaN logit's weight)
                continue;
            last = i;
            acc += p;
            if (u < acc)
                return i;
        }
        return last;
    }

    // The filters over every token, fully sorted: reached only when the kept candidates cannot decide.
    private static int DrawAll(ReadOnlySpan<float> logits, SamplingOptions o, RandomStream random, double? filledTotal, int best) =>
        Draw(logits, o, random, filledTotal, best, sortAll: true);

    /// <summary>
    /// A sort key ordering logits descending, then ids ascending: the float's bits made monotonic, inverted, in the
    /// high half; the id in the low half.
    /// </summary>
    private static long KeyOf(float logit, int id)
    {
        uint bits = BitConverter.SingleToUInt32Bits(logit);
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return (long)(((ulong)~ascending << 32) | (uint)id) ^ long.MinValue;
    }

    private static int IdOf(long key) => (int)(uint)key;

    private static long[] KeysAbove(ReadOnlySpan<float> logits, double t, double max, double cutoff)
    {
        var keys = new List<long>();
        for (int i = 0; i < logits.Length; i++)
            if (logits[i] / t - max >= cutoff)
                keys.Add(KeyOf(logits[i], i));
        return [.. keys];
    }

    // The k smallest keys (the k best tokens) by a bounded max-heap.
    private static long[] TopKeys(ReadOnlySpan<float> logits, int k)
    {
        var heap = new PriorityQueue<long, long>(k + 1);
        for (int i = 0; i < logits.Length; i++)
        {
            long key = KeyOf(logits[i], i);
            if (heap.Count < k)
                heap.Enqueue(key, ~key);   // ~key: the largest key (the worst token kept) on top
            else if (key < heap.Peek())
                heap.EnqueueDequeue(key, ~key);
        }
        var result = new long[heap.Count];
        int n = 0;
        while (heap.Count > 0)
            result[n++] = heap.Dequeue();
        return result;
    }

    /// <summary>log softmax of the logits, in double precision then rounded.</summary>
    public static float[] LogSoftmax(ReadOnlySpan<float> logits)
    {
        double logZ = LogNormalizer(logits);
        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
            result[i] = (float)(logits[i] - logZ);
        return result;
    }

    // The k most likely tokens (logit descending, then id ascending) with their log-probabilities.
    private static IReadOnlyList<TokenLogprob> TopLogprobs(ReadOnlySpan<float> logits, int k, double logZ)
    {
        var keys = TopKeys(logits, Math.Min(k, logits.Length));
        Array.Sort(keys);
        var result = new TokenLogprob[keys.Length];
        for (int i = 0; i < keys.Length; i++)
            result[i] = new TokenLogprob(IdOf(keys[i]), (float)(logits[IdOf(keys[i])] - logZ));
        return result;
    }
}
