namespace Reasoning.Threads;

/// <summary>
/// Threads of one run that move together: their generations are submitted under one
/// <see cref="ThreadRun.HoldSubmissions"/>, so they start in the same engine step (their pending text prefilled
/// together, their decoding in lockstep) instead of one after another.
/// </summary>
public class ThreadGroup
{
    private readonly List<ReasoningThread> _members;

    /// <summary>A group of <paramref name="members"/> (threads of <paramref name="run"/>).</summary>
    public ThreadGroup(ThreadRun run, IEnumerable<ReasoningThread> members)
    {
        Run = run;
        _members = [.. members];
        if (_members.Count == 0)
            throw new ArgumentException("a group needs at least one member.", nameof(members));
    }

    /// <summary>The run the members belong to.</summary>
    public ThreadRun Run { get; }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<ReasoningThread> Members => _members;

    /// <summary>Appends <paramref name="texts"/>[i] to member i.</summary>
    /// <exception cref="ArgumentException">There is not one text per member.</exception>
    public void AppendEach(IReadOnlyList<string> texts)
    {
        if (texts.Count != _members.Count)
            throw new ArgumentException($"the group has {_members.Count} members but {texts.Count} texts were given; give one per member.", nameof(texts));
        for (int i = 0; i < texts.Count; i++)
            _members[i].Append(texts[i]);
    }

    /// <summary>Appends the text <paramref name="text"/> gives for each member (with its index).</summary>
    public void AppendEach(Func<ReasoningThread, int, string> text) => AppendEach(_members.Select(text).ToList());

    /// <summary>Generates on every member at once, all starting in one engine step; the results are in member order.</summary>
    public Task<ThreadGeneration[]> GenerateAllAsync(ThreadGenerationOptions options, CancellationToken cancellationToken = default) =>
        GenerateAllAsync(_ => options, cancellationToken);

    /// <summary>Like <see cref="GenerateAllAsync(ThreadGenerationOptions, CancellationToken)"/>, with each member's own options.</summary>
    public Task<ThreadGeneration[]> GenerateAllAsync(Func<ReasoningThread, ThreadGenerationOptions> options, CancellationToken cancellationToken = default)
    {
        Task<ThreadGeneration>[] running;
        using (Run.HoldSubmissions())
            running = [.. _members.Select(m => m.GenerateAsync(options(m), cancellationToken))];
        return Task.WhenAll(running);
    }
}
