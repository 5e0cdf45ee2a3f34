namespace Reasoning.Threads;

/// <summary>
/// Workers that read each other's KV as it is written (Hogwild! inference, Group Think): each worker is forked from a
/// parent at a position of its own, and between steps its view is rebuilt as [the parent's context, every other
/// worker's computed tokens (in worker order, at their own positions), its own tokens]. The other workers' spans are
/// attached, not copied, and each step advances every worker by one token in one engine step, so a worker sees the
/// others' tokens up to the previous step.
/// </summary>
/// <remarks>
/// Worker i's tokens start at the parent's next position + i × <see cref="Stride"/>, in every view; a layout that
/// places the spans differently (Hogwild!'s own) moves them with <see cref="ReasoningThread.Move"/>.
/// Cost: attaching a worker's live tail shares its last, partly filled page, so that worker copies the page (one page
/// per layer of keys and values) before its next write: one page copy per worker per step, and each reader holds the
/// old copy until the next re-attach (at most one extra page per worker pair).
/// </remarks>
public sealed class SharedCacheGroup : ThreadGroup
{
    private SharedCacheGroup(ThreadRun run, IEnumerable<ReasoningThread> members, int stride) : base(run, members) => Stride = stride;

    /// <summary>Logical positions between the starts of consecutive workers' spans.</summary>
    public int Stride { get; }

    /// <summary>
    /// Computes <paramref name="parent"/>'s pending context and forks <paramref name="workers"/> workers from it, worker
    /// i at the next position + i × <paramref name="stride"/>. Append each worker's first text (<see cref="ThreadGroup.AppendEach(IReadOnlyList{string})"/>)
    /// before the first step.
    /// </summary>
    public static async Task<SharedCacheGroup> CreateAsync(ReasoningThread parent, int workers, int stride, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        await parent.PrefillAsync(cancellationToken).ConfigureAwait(false);
        int start = parent.Sequence?.NextPosition ?? throw new InvalidOperationException($"thread {parent.Id} has ended.");
        var members = new List<ReasoningThread>();
        for (int i = 0; i < workers; i++)
            members.Add(parent.Fork($"{parent.Name}.worker{i}", at: start + i * stride));
        return new SharedCacheGroup(parent.Run, members, stride);
    }

    /// <summary>Rebuilds every worker's view from the others' tokens computed so far.</summary>
    public void Reattach()
    {
        for (int i = 0; i < Members.Count; i++)
            Members[i].ReattachOthers([.. Members.Where((_, j) => j != i)]);
    }

    /// <summary>
    /// One step: re-attaches the views, then every worker generates one token (its pending text first), all in one
    /// engine step. The results are in worker order.
    /// </summary>
    public async Task<ThreadGeneration[]> StepAsync(ThreadGenerationOptions options, CancellationToken cancellationToken = default)
    {
        Reattach();
        return await GenerateAllAsync(options with { MaxTokens = 1 }, cancellationToken).ConfigureAwait(false);
    }
}
