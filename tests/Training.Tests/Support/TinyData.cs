using Reasoning.Training.Data;

namespace Reasoning.Training.Tests.Support;

/// <summary>A few short prompt/completion pairs, byte-encoded.</summary>
public static class TinyData
{
    public static readonly (string Prompt, string Completion)[] Pairs =
    [
        ("12+7=", "19"), ("3*4=", "12"), ("9-5=", "4"), ("8/2=", "4"),
        ("Reach 24: ", "4*6"), ("abc", "def"), ("Node #0", " Goal Reached"), ("hi", " there"),
    ];

    public static List<TrainingExample> Examples(ITextEncoder? encoder = null) =>
        Pairs.Select(p => JsonlDataset.Encode(encoder ?? new ByteTextEncoder(), p.Prompt, p.Completion)).ToList();

    public static string WriteJsonl(string directory)
    {
        string path = Path.Combine(directory, "data.jsonl");
        File.WriteAllLines(path, Pairs.Select(p => System.Text.Json.JsonSerializer.Serialize(new { prompt = p.Prompt, completion = p.Completion, kind = "sos" })));
        return path;
    }
}
