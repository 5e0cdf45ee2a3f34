using Mediator;
using Microsoft.Extensions.AI;

namespace Reasoning.Agents.SemanticKernel;

/// <summary>
/// The plugin's functions as <see cref="AIFunction"/>s (<see cref="AIFunctionFactory"/>), for Microsoft.Extensions.AI's
/// <c>UseFunctionInvocation()</c> and Microsoft Agent Framework agents: same names, descriptions and JSON results.
/// </summary>
public static class ReasoningTools
{
    /// <summary><c>solve_countdown</c>, <c>reason</c> and <c>explore</c>, sending their requests through <paramref name="sender"/>.</summary>
    public static IReadOnlyList<AIFunction> AsAIFunctions(ISender sender) => AsAIFunctions(new ReasoningPlugin(sender));

    /// <summary>The functions of <paramref name="plugin"/>.</summary>
    public static IReadOnlyList<AIFunction> AsAIFunctions(ReasoningPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return
        [
            AIFunctionFactory.Create(plugin.SolveCountdownAsync, new AIFunctionFactoryOptions { Name = "solve_countdown" }),
            AIFunctionFactory.Create(plugin.ReasonAsync, new AIFunctionFactoryOptions { Name = "reason" }),
            AIFunctionFactory.Create(plugin.ExploreAsync, new AIFunctionFactoryOptions { Name = "explore" }),
        ];
    }
}
