using Reasoning.Engine.Errors;
using Reasoning.Orchestrator;

namespace Reasoning.Evaluation.Countdown;

/// <summary>How a Countdown problem is solved.</summary>
public enum StrategyKind
{
    /// <summary>APR: the model spawns and joins sub-searches.</summary>
    Apr,
    /// <summary>SoS+: one serial trace.</summary>
    Sos,
    /// <summary>cons@N: N serial traces, majority vote on the solution.</summary>
    Consensus,
    /// <summary>pass@N: N serial traces, solved when any one verifies.</summary>
    PassAtN,
    /// <summary>A*-decoding over the lines of one SoS+ trace, guided by a process reward model.</summary>
    AStar,
    /// <summary>Best-of-N: N SoS+ traces sampled line by line, the best by the process reward model.</summary>
    BestOfN,
    /// <summary>Step-level beam search of width N over SoS+ lines.</summary>
    Beam,
    /// <summary>Particle filtering with N particles over SoS+ lines.</summary>
    ParticleFilter,
}

/// <summary>A strategy and its count, parsed from <c>apr</c>, <c>sos</c>, <c>cons@N</c>, <c>pass@N</c>, <c>astar</c>, <c>bon@N</c>, <c>beam@N</c> or <c>pf@N</c>.</summary>
public sealed record CountdownStrategy(StrategyKind Kind, int Traces)
{
    private static readonly Dictionary<string, StrategyKind> Kinds = new(StringComparer.Ordinal)
    {
        ["apr"] = StrategyKind.Apr, ["sos"] = StrategyKind.Sos, ["cons"] = StrategyKind.Consensus, ["pass"] = StrategyKind.PassAtN,
        ["astar"] = StrategyKind.AStar, ["bon"] = StrategyKind.BestOfN, ["beam"] = StrategyKind.Beam, ["pf"] = StrategyKind.ParticleFilter,
    };

    /// <summary>Whether the strategy searches step by step with a process reward model (A*, best-of-N, beam, particle filtering).</summary>
    public bool IsStepSearch => Kind is StrategyKind.AStar or StrategyKind.BestOfN or StrategyKind.Beam or StrategyKind.ParticleFilter;

    /// <summary>Parses a strategy name with <see cref="StrategyRegistry.Default"/>.</summary>
    /// <exception cref="InvalidRequestException">The name is none of the known forms, or names a strategy Countdown does not run.</exception>
    public static CountdownStrategy Parse(string text)
    {
        var name = StrategyRegistry.Default.Parse(text);
        return Kinds.TryGetValue(name.Family, out var kind)
            ? new(kind, name.Count ?? 1)
            : throw new InvalidRequestException($"strategy '{text}' does not solve Countdown; use apr, sos, cons@N, pass@N, astar, bon@N, beam@N or pf@N.");
    }

    /// <summary>The strategy's registry name (<c>apr</c>, <c>sos</c>, <c>cons@N</c>, <c>pass@N</c>, <c>astar</c>, <c>bon@N</c>, …).</summary>
    public override string ToString()
    {
        string family = Kinds.First(k => k.Value == Kind).Key;
        return Kind is StrategyKind.Apr or StrategyKind.Sos or StrategyKind.AStar ? family : $"{family}@{Traces}";
    }
}
