namespace Reasoning.Training.Model;

/// <summary>
/// Sequences stacked end to end into one token matrix (no padding): each segment attends only to itself and its
/// positions restart at zero. Token t predicts <see cref="Targets"/>[t] with loss weight <see cref="Weights"/>[t]
/// (zero for prompt tokens; 1 / targets-in-the-step for completion tokens, so accumulated gradients are a mean).
/// </summary>
public sealed class PackedBatch
{
    /// <summary>Input token ids, [tokens].</summary>
    public int[] Inputs { get; }
    /// <summary>The next token each input should predict, [tokens].</summary>
    public int[] Targets { get; }
    /// <summary>Loss weight of each prediction, [tokens].</summary>
    public float[] Weights { get; }
    /// <summary>Position of each token within its sequence, [tokens].</summary>
    public int[] Positions { get; }
    /// <summary>The sequences as (first token, length).</summary>
    public IReadOnlyList<(int Start, int Length)> Segments { get; }

    /// <summary>Number of tokens.</summary>
    public int Tokens => Inputs.Length;

    /// <summary>Creates a batch; all arrays have one entry per token and segments tile [0, tokens).</summary>
    public PackedBatch(int[] inputs, int[] targets, float[] weights, IReadOnlyList<(int Start, int Length)> segments)
    {
        if (targets.Length != inputs.Length || weights.Length != inputs.Length)
            throw new ArgumentException("inputs, targets and weights must have one entry per token.");
        Inputs = inputs;
        Targets = targets;
        Weights = weights;
        Segments = segments;
        Positions = new int[inputs.Length];
        int expected = 0;
        foreach (var (start, length) in segments)
        {
            if (start != expected || length <= 0)
                throw new ArgumentException("segments must be non-empty and tile the tokens in order.");
            for (int i = 0; i < length; i++)
                Positions[start + i] = i;
            expected = start + length;
        }
        if (expected != inputs.Length)
            throw new ArgumentException($"segments cover {expected} tokens; the batch has {inputs.Length}.");
    }

    /// <summary>
    /// Packs sequences given as (tokens, first predicted index): tokens[i] for i &lt; n − 1 are inputs predicting
    /// tokens[i + 1]; predictions of tokens at index ≥ <c>firstTarget</c> get <paramref name="weight"/>, the others zero.
    /// </summary>
    public static PackedBatch Pack(IReadOnlyList<(int[] Tokens, int FirstTarget)> sequences, float weight)
    {
        int total = sequences.Sum(s => s.Tokens.Length - 1);
        var inputs = new int[total];
        var targets = new int[total];
        var weights = new float[total];
        var segments = new List<(int, int)>();
        int at = 0;
        foreach (var (tokens, firstTarget) in sequences)
        {
            int n = tokens.Length - 1;
            if (n <= 0)
                throw new ArgumentException("a sequence needs at least two tokens (one input, one target).");
            for (int i = 0; i < n; i++)
            {
                inputs[at + i] = tokens[i];
                targets[at + i] = tokens[i + 1];
                weights[at + i] = i + 1 >= firstTarget ? weight : 0f;
            }
            segments.Add((at, n));
            at += n;
        }
        return new PackedBatch(inputs, targets, weights, segments);
    }
}
