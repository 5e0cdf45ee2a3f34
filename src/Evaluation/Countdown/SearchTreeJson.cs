using System.Text.Json.Nodes;
using Reasoning.Search;

namespace Reasoning.Evaluation.Countdown;

/// <summary>A step-level search's tree as JSON: its totals, the chosen path and every state with its scores.</summary>
public static class SearchTreeJson
{
    /// <summary>
    /// <c>{method, stop_reason, reached_goal, chosen, prompt, tokens, prm_calls, prm_batches, expansions, path, nodes}</c>;
    /// each node is <c>{id, parent, depth, step, tokens, end, score, aggregate, g, h, f, expanded, pruned, goal, open}</c>
    /// (<c>open</c>: on the frontier when the search stopped).
    /// </summary>
    public static JsonObject ToJson(SearchResult result, string prompt)
    {
        ArgumentNullException.ThrowIfNull(result);
        var nodes = new JsonArray();
        foreach (var n in result.Tree)
        {
            nodes.Add(new JsonObject
            {
                ["id"] = n.Id, ["parent"] = n.ParentId, ["depth"] = n.Depth, ["step"] = n.StepText, ["tokens"] = n.StepTokens,
                ["end"] = n.End.ToString(), ["score"] = Round(n.Score), ["aggregate"] = Round(n.Aggregate),
                ["g"] = Math.Round(n.G, 6), ["h"] = Math.Round(n.H, 6), ["f"] = Math.Round(n.F, 6),
                ["expanded"] = n.Expanded, ["pruned"] = n.Pruned, ["goal"] = n.IsGoal, ["open"] = n.Open,
            });
        }
        return new JsonObject
        {
            ["method"] = result.Method, ["stop_reason"] = result.StopReason.ToString(), ["reached_goal"] = result.ReachedGoal,
            ["chosen"] = result.ChosenId, ["prompt"] = prompt, ["tokens"] = result.TokensGenerated, ["prm_calls"] = result.PrmCalls,
            ["prm_batches"] = result.PrmBatches, ["expansions"] = result.Expansions,
            ["path"] = new JsonArray([.. result.Path.Select(s => (JsonNode)s.NodeId)]),
            ["nodes"] = nodes,
        };
    }

    private static double? Round(double? x) => x is { } v ? Math.Round(v, 6) : null;
}
