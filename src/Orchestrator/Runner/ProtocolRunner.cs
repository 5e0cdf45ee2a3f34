using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>
/// Carries policies' decisions out on the thread layer: generates, spawns and forks children (all of one round start
/// in the same engine step), joins, stops. It applies the run's <see cref="ThreadBudget"/> (through the thread
/// layer) and its own <see cref="ProtocolLimits"/>: a decision past a bound is not carried out and comes back to the
/// policy as <see cref="Observation.Refused"/>. The thread layer emits the run's events and records the tree as the
/// runner calls it.
/// </summary>
public sealed class ProtocolRunner
{
    /// <summary>How a thread generates; tests replace it with recorded traces.</summary>
    internal delegate Task<ThreadGeneration> GenerateStep(ReasoningThread thread, ThreadGenerationOptions options, CancellationToken cancellationToken);

    private static readonly GenerateStep ModelGenerate = (thread, options, ct) => thread.GenerateAsync(options, ct);

    private readonly GenerateStep _generate;

    /// <summary>A runner for the threads of <paramref name="run"/>.</summary>
    public ProtocolRunner(ThreadRun run, ProtocolLimits? limits = null) : this(run, limits, ModelGenerate) { }

    internal ProtocolRunner(ThreadRun run, ProtocolLimits? limits, GenerateStep generate)
    {
        Run = run;
        Limits = limits ?? new ProtocolLimits();
        _generate = generate;
    }

    /// <summary>The run whose threads this runner drives.</summary>
    public ThreadRun Run { get; }

    /// <summary>The runner's bounds on top of the run's budget.</summary>
    public ProtocolLimits Limits { get; }

    /// <summary>Creates the root thread holding <paramref name="prompt"/> and drives it with <paramref name="policy"/> until it stops.</summary>
    public Task<ThreadResult> RunAsync(string prompt, IProtocolPolicy policy, CancellationToken cancellationToken = default) =>
        DriveAsync(Run.CreateRoot(prompt), policy, cancellationToken);

    /// <summary>Drives <paramref name="thread"/> with <paramref name="policy"/> until the policy stops it; the thread ends then.</summary>
    public Task<ThreadResult> DriveAsync(ReasoningThread thread, IProtocolPolicy policy, CancellationToken cancellationToken = default) =>
        DriveAsync(thread, policy, endOnStop: true, cancellationToken);

    /// <summary>
    /// The decision loop of one thread. Everything before the first generation runs synchronously, so children started
    /// under a submission hold all reach the engine before the hold ends.
    /// </summary>
    private async Task<ThreadResult> DriveAsync(ReasoningThread thread, IProtocolPolicy policy, bool endOnStop, CancellationToken ct)
    {
        var state = new ThreadState();
        Observation seen = Observation.Started.Instance;
        while (true)
        {
            var decision = policy.Decide(new PolicyStep(thread, state.Rounds, seen, Limits));
            switch (decision)
            {
                case Decision.Continue c:
                    if (state.Last is { Tokens: 0, BudgetExhausted: true } && seen is Observation.Generated)
                        // Generating again would return nothing again: the policy would loop forever.
                        return Stop(thread, StopOutcome.Failed($"thread {thread.Id} has no tokens left in its budget or context window, and its policy asked for more"), state, endOnStop);
                    state.Last = await _generate(thread, c.Options, ct).ConfigureAwait(false);
                    seen = new Observation.Generated(state.Last);
                    break;
                case Decision.Spawn s:
                    seen = await SpawnAsync(thread, s, state, ct).ConfigureAwait(false);
                    break;
                case Decision.Fork f:
                    seen = await ForkAsync(thread, f, state, endOnStop, ct).ConfigureAwait(false);
                    if (f.ThenStop is { } outcome && seen is not Observation.Refused)
                        return new ThreadResult(thread, outcome, state.Last, state.Rounds);
                    break;
                case Decision.Join j:
                    seen = Join(thread, j, state);
                    break;
                case Decision.Prune p:
                    seen = Prune(thread, p);
                    break;
                case Decision.Stop stop:
                    return Stop(thread, stop.Outcome, state, endOnStop);
            }
        }
    }

    private async Task<Observation> SpawnAsync(ReasoningThread thread, Decision.Spawn spawn, ThreadState state, CancellationToken ct)
    {
        if (RoundRefused(thread, spawn, state) is { } refused)
            return refused;
        IReadOnlyList<ReasoningThread> children;
        try
        {
            children = thread.Spawn(spawn.Contexts, spawn.Name);
        }
        catch (BudgetExceededException e)
        {
            return new Observation.Refused(spawn, e);
        }
        var results = await RunChildrenAsync(children, spawn.ChildPolicy, endTogether: false, ct).ConfigureAwait(false);
        state.Rounds++;
        state.LastRound = children;
        return new Observation.ChildrenDone(results);
    }

    private async Task<Observation> ForkAsync(ReasoningThread thread, Decision.Fork fork, ThreadState state, bool endOnStop, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fork.Count, 1);
        if (fork.At is { } at)
            return ForkAt(thread, fork, at);
        if (RoundRefused(thread, fork, state) is { } refused)
            return refused;
        await thread.PrefillAsync(ct).ConfigureAwait(false);   // the forks share the computed prompt's KV pages
        var children = new List<ReasoningThread>(fork.Count);
        try
        {
            for (int i = 0; i < fork.Count; i++)
                children.Add(thread.Fork(fork.Name(i)));
        }
        catch (BudgetExceededException e)
        {
            foreach (var child in children)
                child.End(ThreadStatus.Failed, "fork failed");
            return new Observation.Refused(fork, e);
        }
        if (fork.ThenStop is { } outcome && endOnStop)
            thread.End(outcome.Status, outcome.Reason);
        var results = await RunChildrenAsync(children, fork.ChildPolicy, fork.EndChildrenTogether, ct).ConfigureAwait(false);
        state.Rounds++;
        state.LastRound = children;
        return new Observation.ChildrenDone(results);
    }

    private async Task<ThreadResult[]> RunChildrenAsync(IReadOnlyList<ReasoningThread> children, Func<int, IProtocolPolicy> policyOf, bool endTogether, CancellationToken ct)
    {
        Task<ThreadResult>[] running;
        using (Run.HoldSubmissions())   // the children start in one step: their prompts prefill together
            running = [.. children.Select((child, i) => DriveAsync(child, policyOf(i), endOnStop: !endTogether, ct))];
        var results = await Task.WhenAll(running).ConfigureAwait(false);
        if (endTogether)
            foreach (var r in results)
                r.Thread.End(r.Outcome.Status, r.Outcome.Reason);
        return results;
    }

    private static Observation Join(ReasoningThread thread, Decision.Join join, ThreadState state)
    {
        if (join.Mode == JoinMode.Kv)
            return JoinKv(thread, join);
        if (join.TruncateAt is { } at)
            thread.TruncateText(at);
        try
        {
            thread.Join(state.LastRound, join.Text);
        }
        catch (BudgetExceededException e)
        {
            return new Observation.Refused(join, e);
        }
        return Observation.Joined.Instance;
    }

    private Observation.Refused? RoundRefused(ReasoningThread thread, Decision decision, ThreadState state) =>
        state.Rounds >= Limits.MaxRounds
            ? new Observation.Refused(decision, new BudgetExceededException(
                $"thread {thread.Id} asked for round {state.Rounds + 1} of children; the runner allows {Limits.MaxRounds} rounds a thread."))
            : null;

    private static ThreadResult Stop(ReasoningThread thread, StopOutcome outcome, ThreadState state, bool endOnStop)
    {
        if (endOnStop)
            thread.End(outcome.Status, outcome.Reason);
        return new ThreadResult(thread, outcome, state.Last, state.Rounds);
    }

    // The three operations below are the thread layer's Fork(at), Join(children, JoinMode.Kv) and Prune(from, to);
    // each is one method so that wiring the operation in is a change to that method alone.

    /// <summary>Children whose new tokens start at logical position <paramref name="at"/>: the thread layer forks only after the context.</summary>
    private static Observation ForkAt(ReasoningThread thread, Decision.Fork fork, int at) =>
        throw new UnsupportedDecisionException(fork, $"Fork(at: {at}) (a fork of thread {thread.Id} whose tokens start at a given position)");

    /// <summary>A join that attaches the children's KV spans: the thread layer joins only as text.</summary>
    private static Observation JoinKv(ReasoningThread thread, Decision.Join join) =>
        throw new UnsupportedDecisionException(join, $"Join(children, JoinMode.Kv) (attaching thread {thread.Id}'s children's KV spans)");

    /// <summary>Dropping a range of the context: the thread layer only truncates at the end.</summary>
    private static Observation Prune(ReasoningThread thread, Decision.Prune prune) =>
        throw new UnsupportedDecisionException(prune, $"Prune({prune.From}, {prune.To}) (dropping a range of thread {thread.Id}'s context)");

    /// <summary>What the runner remembers of a thread between decisions.</summary>
    private sealed class ThreadState
    {
        public int Rounds;
        public ThreadGeneration? Last;
        public IReadOnlyList<ReasoningThread> LastRound = [];
    }
}
