namespace Reasoning.Engine.Kernels;

/// <summary>
/// Runs the parts of a parallel region on the cores. The engine owns one team per model; a region's parts must be
/// independent, and each part's work must not depend on how many parts run at once (batch invariance).
/// </summary>
public sealed class ThreadTeam : IDisposable
{
    /// <summary>Number of threads that run parts (including the caller's).</summary>
    public int Size { get; }

    /// <summary>Creates a team of <paramref name="size"/> threads (default: one per core).</summary>
    public ThreadTeam(int size = 0)
    {
        Size = size > 0 ? size : Environment.ProcessorCount;
    }

    /// <summary>Calls <paramref name="body"/>(i) for every i in [0, <paramref name="count"/>) and returns when all are done.</summary>
    public void For(int count, Action<int> body)
    {
        if (count == 1 || Size == 1)
        {
            for (int i = 0; i < count; i++)
                body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Size }, body);
    }

    /// <summary>Stops the team's threads.</summary>
    public void Dispose() { }
}
