using Reasoning.Engine.Errors;
using Reasoning.Threads;

namespace Reasoning.Orchestrator;

/// <summary>What happened to a thread since its policy's last decision. The hierarchy is closed.</summary>
public abstract record Observation
{
    private Observation() { }

    /// <summary>The thread was just created; nothing has been generated.</summary>
    public sealed record Started : Observation
    {
        /// <summary>The one instance.</summary>
        public static Started Instance { get; } = new();
    }

    /// <summary>A <see cref="Decision.Continue"/> generated text.</summary>
    /// <param name="Generation">The outcome of the call.</param>
    public sealed record Generated(ThreadGeneration Generation) : Observation;

    /// <summary>The children of a <see cref="Decision.Spawn"/> or <see cref="Decision.Fork"/> have all stopped.</summary>
    /// <param name="Children">Each child's result, in creation order.</param>
    public sealed record ChildrenDone(IReadOnlyList<ThreadResult> Children) : Observation;

    /// <summary>A <see cref="Decision.Join"/> was carried out; the thread can go on.</summary>
    public sealed record Joined : Observation
    {
        /// <summary>The one instance.</summary>
        public static Joined Instance { get; } = new();
    }

    /// <summary>A <see cref="Decision.Prune"/> was carried out: tokens [<paramref name="From"/>, <paramref name="To"/>) are gone.</summary>
    /// <param name="From">Index of the first token dropped.</param>
    /// <param name="To">Index after the last one dropped.</param>
    public sealed record Pruned(int From, int To) : Observation;

    /// <summary>A decision was refused (a budget, the context window); nothing of it was carried out.</summary>
    /// <param name="Decision">The refused decision.</param>
    /// <param name="Error">Why, as the thread layer or the runner said it.</param>
    public sealed record Refused(Decision Decision, ReasoningException Error) : Observation;
}
