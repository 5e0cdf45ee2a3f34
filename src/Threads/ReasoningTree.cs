using System.Text.Json.Nodes;

namespace Reasoning.Threads;

/// <summary>The reasoning tree of a run as JSON: each thread with its text, tokens, timings, status and children.</summary>
public static class ReasoningTree
{
    /// <summary>The tree under <paramref name="thread"/>, children nested.</summary>
    public static JsonObject ToJson(ReasoningThread thread) => new()
    {
        ["id"] = thread.Id,
        ["name"] = thread.Name,
        ["parent"] = thread.Parent?.Id,
        ["status"] = thread.Status.ToString().ToLowerInvariant(),
        ["reason"] = thread.EndReason,
        ["outcome"] = thread.Outcome?.KindName,
        ["outcome_detail"] = thread.Outcome?.Detail,
        ["text"] = thread.Text,
        ["generated_tokens"] = thread.GeneratedTokens,
        ["sequential_tokens"] = thread.SequentialTokens,
        ["start_ms"] = Math.Round(thread.StartMilliseconds, 3),
        ["end_ms"] = thread.EndMilliseconds is { } e ? Math.Round(e, 3) : null,
        ["children"] = new JsonArray(thread.Children.Select(c => (JsonNode)ToJson(c)).ToArray()),
    };
}
