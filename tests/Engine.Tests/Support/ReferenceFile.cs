using System.Text.Json;

namespace Reasoning.Engine.Tests.Support;

/// <summary>The reference.json of a fixture model: prompts, ids, float64 logits and greedy continuations.</summary>
public sealed class ReferenceFile
{
    public required IReadOnlyList<ReferencePrompt> Prompts { get; init; }
    public required double MinTop1Top2Margin { get; init; }

    public static ReferenceFile Load(string modelDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDir, "reference.json")));
        var root = doc.RootElement;
        var prompts = root.GetProperty("prompts").EnumerateArray().Select(p => new ReferencePrompt
        {
            Text = p.GetProperty("text").GetString()!,
            Ids = p.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            Logits = p.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray(),
            GreedyIds = p.GetProperty("greedy").GetProperty("ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            Top5Ids = p.GetProperty("greedy").GetProperty("top5_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray(),
            Top5Logits = p.GetProperty("greedy").GetProperty("top5_logits").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray(),
        }).ToList();
        return new ReferenceFile
        {
            Prompts = prompts,
            MinTop1Top2Margin = root.GetProperty("generator").GetProperty("min_top1_top2_margin").GetDouble(),
        };
    }
}

public sealed class ReferencePrompt
{
    public required string Text { get; init; }
    public required int[] Ids { get; init; }
    public required double[][] Logits { get; init; }
    public required int[] GreedyIds { get; init; }
    public required int[][] Top5Ids { get; init; }
    public required double[][] Top5Logits { get; init; }
}
