using Reasoning.Engine.Errors;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>
/// Carries policies' decisions out on the thread layer: generates, spawns and forks children (all of one round start
/// in the same engine step), joins, stops. It applies the run's <see cref="ThreadBudget"/> (through the thread
/// layer) and its own <see cref="ProtocolLimits"/>: a decision past a bound is not carried out and comes back to the
/// policy as <see cref="Observation.Refused"/>. The thread layer emits the run's events and records the tree as the
/// runner calls it. Children forked at a position (<see cref="Decision.Fork.At"/>) stay alive after they stop, so
/// their parent can attach their KV spans (<see cref="Decision.Join"/> with <see cref="JoinMode.Kv"/>); they end with
/// their own outcomes at the parent's next decision.
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
            if (decision is not Decision.Join { Mode: JoinMode.Kv })
                EndUnjoined(state);
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
                    {
                        EndUnjoined(state);   // the parent is gone: nothing can join them
                        return new ThreadResult(thread, outcome, state.Last, state.Rounds);
                    }
                    break;
                case Decision.Join j:
                    seen = await JoinAsync(thread, j, state, ct).ConfigureAwait(false);
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
        var results = await RunChildrenAsync(children, spawn.ChildPolicy, endTogether: false, keepAlive: false, ct).ConfigureAwait(false);
        state.Rounds++;
        state.LastRound = children;
        return new Observation.ChildrenDone(results);
    }

    private async Task<Observation> ForkAsync(ReasoningThread thread, Decision.Fork fork, ThreadState state, bool endOnStop, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fork.Count, 1);
        if (RoundRefused(thread, fork, state) is { } refused)
            return refused;
        await thread.PrefillAsync(ct).ConfigureAwait(false);   // the forks share the computed prompt's KV pages
        var children = new List<ReasoningThread>(fork.Count);
        try
        {
            for (int i = 0; i < fork.Count; i++)
                children.Add(fork.At is { } at ? ForkAt(thread, fork.Name(i), at) : thread.Fork(fork.Name(i)));
        }
        catch (BudgetExceededException e)
        {
            foreach (var child in children)
                child.End(ThreadStatus.Failed, "fork failed");
            return new Observation.Refused(fork, e);
        }
        if (fork.ThenStop is { } outcome && endOnStop)
            thread.End(outcome.ToThreadOutcome());
        bool joinable = fork.At is not null;
        var results = await RunChildrenAsync(children, fork.ChildPolicy, fork.EndChildrenTogether, joinable, ct).ConfigureAwait(false);
        state.Rounds++;
        state.LastRound = children;
        if (joinable)
            state.Unjoined = results;
        return new Observation.ChildrenDone(results);
    }

    // With keepAlive every child stays alive when it stops: the caller ends it, after a KV join.
    private async Task<ThreadResult[]> RunChildrenAsync(IReadOnlyList<ReasoningThread> children, Func<int, IProtocolPolicy> policyOf, bool endTogether,
        bool keepAlive, CancellationToken ct)
    {
        Task<ThreadResult>[] running;
        using (Run.HoldSubmissions())   // the children start in one step: their prompts prefill together
            running = [.. children.Select((child, i) => DriveAsync(child, policyOf(i), endOnStop: !endTogether && !keepAlive, ct))];
        var results = await Task.WhenAll(running).ConfigureAwait(false);
        if (endTogether && !keepAlive)
            foreach (var r in results)
                r.Thread.End(r.Outcome.ToThreadOutcome());
        return results;
    }

    private static async Task<Observation> JoinAsync(ReasoningThread thread, Decision.Join join, ThreadState state, CancellationToken ct)
    {
        if (join.TruncateAt is { } at)
            thread.TruncateText(at);
        if (join.Mode == JoinMode.Kv)
            return await JoinKvAsync(thread, join, state, ct).ConfigureAwait(false);
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
            thread.End(outcome.ToThreadOutcome());
        return new ThreadResult(thread, outcome, state.Last, state.Rounds);
    }

    /// <summary>Ends the children kept alive for a KV join that did not come, in creation order, with their own outcomes.</summary>
    private static void EndUnjoined(ThreadState state)
    {
        foreach (var r in state.Unjoined)
            r.Thread.End(r.Outcome.ToThreadOutcome());
        state.Unjoined = [];
    }

    /// <summary>A child whose new tokens start a span of their own at logical position <paramref name="at"/> (joinable by KV).</summary>
    private static ReasoningThread ForkAt(ReasoningThread thread, string name, int at) => thread.Fork(name, at);

    /// <summary>
    /// Attaches the last round's children's KV spans (they were forked at a position and kept alive), appends
    /// <see cref="Decision.Join.Text"/> when not empty, then ends the children with their own outcomes.
    /// </summary>
    private static async Task<Observation> JoinKvAsync(ReasoningThread thread, Decision.Join join, ThreadState state, CancellationToken ct)
    {
        if (state.Unjoined.Count == 0 || !state.LastRound.SequenceEqual(state.Unjoined.Select(r => r.Thread)))
            throw new InvalidRequestException(
                $"thread {thread.Id} asked for a KV join, but its last round of children was not forked at a position (or was joined already); fork with At to join by KV, or join as text.");
        try
        {
            await thread.JoinAsync(state.LastRound, JoinMode.Kv, join.Text.Length == 0 ? null : join.Text, ct).ConfigureAwait(false);
        }
        catch (BudgetExceededException e)
        {
            return new Observation.Refused(join, e);
        }
        EndUnjoined(state);
        return Observation.Joined.Instance;
    }

    /// <summary>Drops tokens [<see cref="Decision.Prune.From"/>, <see cref="Decision.Prune.To"/>) of the context: they must be whole spans before the tail.</summary>
    private static Observation Prune(ReasoningThread thread, Decision.Prune prune)
    {
        thread.Prune(thread.MarkAt(prune.From), thread.MarkAt(prune.To));
        return new Observation.Pruned(prune.From, prune.To);
    }

    /// <summary>What the runner remembers of a thread between decisions.</summary>
    private sealed class ThreadState
    {
        public int Rounds;
        public ThreadGeneration? Last;
        public IReadOnlyList<ReasoningThread> LastRound = [];
        /// <summary>Children forked at a position that stopped and wait, alive, for a KV join.</summary>
        public IReadOnlyList<ThreadResult> Unjoined = [];
    }
}
