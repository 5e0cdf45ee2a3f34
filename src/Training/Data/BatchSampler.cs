using Reasoning.Training.Model;

namespace Reasoning.Training.Data;

/// <summary>Where a <see cref="BatchSampler"/> stands: the epoch and the next index into that epoch's permutation.</summary>
/// <param name="Epoch">Passes over the data begun so far, from 0.</param>
/// <param name="Position">Examples of this epoch already used.</param>
public readonly record struct DataCursor(int Epoch, int Position);

/// <summary>
/// Draws batches of whole examples, packed end to end, until a token budget is met. Each epoch visits every example
/// once in an order shuffled from (seed, epoch) alone, so the cursor is the sampler's whole state and a resumed run
/// sees exactly the batches the uninterrupted one would have.
/// </summary>
public sealed class BatchSampler
{
    private readonly IReadOnlyList<TrainingExample> _examples;
    private readonly ulong _seed;
    private int[] _order = [];
    private int _orderEpoch = -1;

    /// <summary>The next example to draw.</summary>
    public DataCursor Cursor { get; set; }

    /// <summary>Samples from <paramref name="examples"/> with shuffles derived from <paramref name="seed"/>.</summary>
    public BatchSampler(IReadOnlyList<TrainingExample> examples, ulong seed)
    {
        if (examples.Count == 0)
            throw new TrainingException("the training set is empty.");
        _examples = examples;
        _seed = seed;
    }

    /// <summary>Takes examples until their inputs reach <paramref name="tokens"/> (at least one example).</summary>
    public List<TrainingExample> Next(int tokens)
    {
        var batch = new List<TrainingExample>();
        int used = 0;
        while (true)
        {
            var example = Peek();
            if (batch.Count > 0 && used + example.InputLength > tokens)
                return batch;
            batch.Add(example);
            used += example.InputLength;
            Advance();
            if (used >= tokens)
                return batch;
        }
    }

    /// <summary>Splits a step's examples, in order, into micro-batches of at most <paramref name="tokens"/> inputs each.</summary>
    public static List<List<TrainingExample>> Split(List<TrainingExample> examples, int tokens)
    {
        var parts = new List<List<TrainingExample>> { new() };
        int used = 0;
        foreach (var e in examples)
        {
            if (used > 0 && used + e.InputLength > tokens)
            {
                parts.Add([]);
                used = 0;
            }
            parts[^1].Add(e);
            used += e.InputLength;
        }
        return parts;
    }

    private TrainingExample Peek()
    {
        if (_orderEpoch != Cursor.Epoch)
        {
            _order = Shuffle(Cursor.Epoch);
            _orderEpoch = Cursor.Epoch;
        }
        return _examples[_order[Cursor.Position]];
    }

    private void Advance() =>
        Cursor = Cursor.Position + 1 < _examples.Count ? Cursor with { Position = Cursor.Position + 1 } : new DataCursor(Cursor.Epoch + 1, 0);

    private int[] Shuffle(int epoch)
    {
        var order = Enumerable.Range(0, _examples.Count).ToArray();
        var rng = new SplitMix64(_seed * 0x9E3779B97F4A7C15UL + (ulong)epoch);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(rng.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
