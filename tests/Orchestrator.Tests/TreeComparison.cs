using System.Text.Json.Nodes;
using Reasoning.Threads;

namespace Reasoning.Orchestrator.Tests;

/// <summary>What two runs must agree on: the tree without its wall-clock times, and the structural events in order.</summary>
internal static class TreeComparison
{
    public static string Timeless(ReasoningThread root)
    {
        var tree = ReasoningTree.ToJson(root);
        Strip(tree);
        return tree.ToJsonString();
    }

    private static void Strip(JsonObject node)
    {
        node.Remove("start_ms");
        node.Remove("end_ms");
        foreach (var child in node["children"]!.AsArray())
            Strip(child!.AsObject());
    }

    /// <summary>Disposes the run and returns its events other than token chunks, as text.</summary>
    public static async Task<IReadOnlyList<string>> StructuralEvents(ThreadRun run)
    {
        run.Dispose();
        var events = new List<string>();
        await foreach (var e in run.Events)
        {
            string? line = e switch
            {
                ThreadStarted s => $"started {s.ThreadId} parent {s.ParentId} '{s.Name}'",
                ThreadsSpawned s => $"spawned {s.ThreadId}: {string.Join(",", s.ChildIds)}",
                ThreadsJoined j => $"joined {j.ThreadId}: {string.Join(",", j.ChildIds)}",
                ThreadEnded x => $"ended {x.ThreadId} {x.Status} '{x.Reason}'",
                _ => null,
            };
            if (line is not null)
                events.Add(line);
        }
        return events;
    }
}
