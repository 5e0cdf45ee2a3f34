using System.Diagnostics.CodeAnalysis;

namespace Reasoning.Search;

/// <summary>The open states of a best-first search, popped in order of cost f = g + h.</summary>
/// <typeparam name="TState">A search state (for A* decoding: a partial solution's thread).</typeparam>
public interface IFrontier<TState>
{
    /// <summary>States waiting to be expanded.</summary>
    int Count { get; }

    /// <summary>Adds <paramref name="state"/> with its cost so far <paramref name="g"/> and its estimate to go <paramref name="h"/>.</summary>
    void Push(TState state, double g, double h);

    /// <summary>Removes the state of least f (ties: the one pushed first); false when the frontier is empty.</summary>
    bool TryPop([MaybeNullWhen(false)] out TState state, out double f);
}

/// <summary>A binary-heap frontier on f = g + h; states of equal f leave in the order they came (stable).</summary>
public sealed class PriorityFrontier<TState> : IFrontier<TState>
{
    private readonly PriorityQueue<TState, (double F, long Order)> _queue = new(Comparer<(double F, long Order)>.Create(
        static (a, b) => a.F != b.F ? a.F.CompareTo(b.F) : a.Order.CompareTo(b.Order)));
    private long _pushed;

    /// <inheritdoc />
    public int Count => _queue.Count;

    /// <inheritdoc />
    /// <exception cref="InvalidScoreException">g + h is NaN.</exception>
    public void Push(TState state, double g, double h)
    {
        double f = g + h;
        if (double.IsNaN(f))
            throw new InvalidScoreException($"a frontier cost is not a number (g = {g}, h = {h}); costs must be numbers whose sum is one.");
        _queue.Enqueue(state, (f, _pushed++));
    }

    /// <inheritdoc />
    public bool TryPop([MaybeNullWhen(false)] out TState state, out double f)
    {
        if (_queue.TryDequeue(out state, out var key))
        {
            f = key.F;
            return true;
        }
        f = 0;
        return false;
    }
}
