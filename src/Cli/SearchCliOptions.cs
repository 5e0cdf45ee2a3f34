using System.CommandLine;
using Reasoning.Engine.Errors;
using Reasoning.Search;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli;

/// <summary>The options of the step-level search strategies (<c>--prm</c>, <c>--budget-tokens</c>, <c>--budget-prm</c>), shared by <c>countdown solve</c> and <c>eval countdown</c>.</summary>
internal static class SearchCliOptions
{
    /// <summary>The default token budget of one search: the 32k a problem.</summary>
    public const long DefaultTokens = 32_768;

    /// <summary>A fresh <c>--prm</c> option.</summary>
    public static Option<string> Prm() => new("--prm")
    {
        Description = "Process reward model of astar, bon@N, beam@W and pf@N: verifier (checks every line of an SoS+ trace exactly).",
        DefaultValueFactory = _ => "verifier",
    };

    /// <summary>A fresh <c>--budget-tokens</c> option.</summary>
    public static Option<long> Tokens() => new("--budget-tokens")
    {
        Description = $"Tokens a step-level search may generate for one problem, all its states together (default {DefaultTokens:N0}).",
        DefaultValueFactory = _ => DefaultTokens,
    };

    /// <summary>A fresh <c>--budget-prm</c> option.</summary>
    public static Option<int?> PrmCalls() => new("--budget-prm")
    {
        Description = "Most reward-model calls (scored states) of a step-level search for one problem (default: no bound).",
    };

    /// <summary>A fresh <c>--children</c> option.</summary>
    public static Option<int?> Children() => new("--children")
    {
        Description = "Children an astar or beam@W expansion samples (default 4).",
    };

    /// <summary>The reward model <paramref name="name"/> names.</summary>
    /// <exception cref="InvalidRequestException">The name is not a reward model Countdown can use.</exception>
    public static IProcessRewardModel Resolve(string name)
    {
        string n = name.Trim();
        if (string.Equals(n, "verifier", StringComparison.OrdinalIgnoreCase))
            return new CountdownVerifierPrm();
        if (Directory.Exists(n))
            throw new InvalidRequestException($"--prm '{name}': a model folder as a process reward model is not available for Countdown yet; use --prm verifier.");
        throw new InvalidRequestException($"--prm '{name}' is not a process reward model; use verifier.");
    }

    /// <summary>Refuses budgets below 1.</summary>
    /// <exception cref="InvalidRequestException">A budget is below 1.</exception>
    public static void CheckBudgets(long tokens, int? prmCalls, int? children = null)
    {
        if (children is < 1 or > 64)
            throw new InvalidRequestException($"--children {children} must be from 1 to 64.");
        if (tokens < 1)
            throw new InvalidRequestException($"--budget-tokens {tokens} must be at least 1; a search of 32k tokens a problem is the usual size.");
        if (prmCalls is < 1)
            throw new InvalidRequestException($"--budget-prm {prmCalls} must be at least 1, or left out for no bound.");
    }
}
