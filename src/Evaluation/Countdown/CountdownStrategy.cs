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
}

/// <summary>A strategy and its trace count, parsed from <c>apr</c>, <c>sos</c>, <c>cons@N</c> or <c>pass@N</c>.</summary>
public sealed record CountdownStrategy(StrategyKind Kind, int Traces)
{
    private static readonly Dictionary<string, StrategyKind> Kinds = new(StringComparer.Ordinal)
    {
        ["apr"] = StrategyKind.Apr, ["sos"] = StrategyKind.Sos, ["cons"] = StrategyKind.Consensus, ["pass"] = StrategyKind.PassAtN,
    };

    /// <summary>Parses a strategy name with <see cref="StrategyRegistry.Default"/>.</summary>
    /// <exception cref="InvalidRequestException">The name is none of the known forms, or names a strategy Countdown does not run.</exception>
    public static CountdownStrategy Parse(string text)
    {
        var name = StrategyRegistry.Default.Parse(text);
        return Kinds.TryGetValue(name.Family, out var kind)
            ? new(kind, name.Count ?? 1)
            : throw new InvalidRequestException($"strategy '{text}' does not solve Countdown; use apr, sos, cons@N or pass@N.");
    }

    /// <summary>The strategy's registry name (<c>apr</c>, <c>sos</c>, <c>cons@N</c>, <c>pass@N</c>).</summary>
    public override string ToString()
    {
        string family = Kinds.First(k => k.Value == Kind).Key;
        return Kind is StrategyKind.Consensus or StrategyKind.PassAtN ? $"{family}@{Traces}" : family;
    }
}
