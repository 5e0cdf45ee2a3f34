using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>
/// A protocol, seen from one thread: given what just happened to the thread, decide what it does next. Policies hold
/// no engine state; the <see cref="ProtocolRunner"/> carries their decisions out. A policy instance drives one thread
/// (it may keep that thread's state between decisions, such as where its spawn block starts).
/// </summary>
public interface IProtocolPolicy
{
    /// <summary>The next decision for <paramref name="step"/>'s thread.</summary>
    /// <exception cref="Reasoning.Engine.Errors.ReasoningException">The policy cannot go on (the runner lets it through).</exception>
    Decision Decide(PolicyStep step);
}

/// <summary>What a policy sees when it decides.</summary>
/// <param name="Thread">The thread it drives.</param>
/// <param name="Rounds">Rounds of children the thread has completed.</param>
/// <param name="Observation">What happened since the last decision.</param>
/// <param name="Limits">The runner's limits (a policy may check them itself to word its own reason).</param>
public sealed record PolicyStep(ReasoningThread Thread, int Rounds, Observation Observation, ProtocolLimits Limits);
