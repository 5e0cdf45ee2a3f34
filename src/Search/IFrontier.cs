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

    /// <summary>Removes the state of least f (ties: by the frontier's order of ties); false when the frontier is empty.</summary>
    bool TryPop([MaybeNullWhen(false)] out TState state, out double f);
}

/// <summary>
/// A binary-heap frontier on f = g + h; states of equal f leave in the order they came (stable), or, with
/// <c>lastPushedFirst</c>, the last pushed first.
/// </summary>
/// <param name="lastPushedFirst">States of equal f leave last-pushed first (depth-first among ties) instead of first-pushed first.</param>
public sealed class PriorityFrontier<TState>(bool lastPushedFirst = false) : IFrontier<TState>
{
    private readonly PriorityQueue<TState, (double F, long Order)> _queue = new(Comparer<(double F, long Order)>.Create(
        static (a, b) => a.F != b.F ? a.F.CompareTo(b.F) : a.Order.CompareTo(b.Order)));
    private long _pushed;

    /// <summary>States of equal f leave last-pushed first.</summary>
    public bool LastPushedFirst => lastPushedFirst;

    /// <inheritdoc />
    public int Count => _queue.Count;

    /// <inheritdoc />
    /// <exception cref="InvalidScoreException">g + h is NaN.</exception>
    public void Push(TState state, double g, double h)
    {
        double f = g + h;
        if (double.IsNaN(f))
            throw new InvalidScoreException($"a frontier cost is not a number (g = {g}, h = {h}); costs must be numbers whose sum is one.");
        long order = _pushed++;
        _queue.Enqueue(state, (f, lastPushedFirst ? -order : order));
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
