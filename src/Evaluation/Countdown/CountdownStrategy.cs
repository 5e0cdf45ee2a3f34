using Reasoning.Engine.Errors;

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
    /// <summary>Parses a strategy name.</summary>
    /// <exception cref="InvalidRequestException">The name is none of the known forms.</exception>
    public static CountdownStrategy Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "apr")
            return new(StrategyKind.Apr, 1);
        if (t is "sos" or "sos+")
            return new(StrategyKind.Sos, 1);
        foreach (var (prefix, kind) in new[] { ("cons@", StrategyKind.Consensus), ("pass@", StrategyKind.PassAtN) })
            if (t.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(t[prefix.Length..], out int n) && n is >= 1 and <= 256)
                return new(kind, n);
        throw new InvalidRequestException($"unknown strategy '{text}'; use apr, sos, cons@N or pass@N (N from 1 to 256).");
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StrategyKind.Apr => "apr",
        StrategyKind.Sos => "sos",
        StrategyKind.Consensus => $"cons@{Traces}",
        _ => $"pass@{Traces}",
    };
}
