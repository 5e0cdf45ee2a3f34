using System.Text.Json;

namespace Reasoning.Training.Data;

/// <summary>What <see cref="JsonlDataset.Load"/> read.</summary>
/// <param name="Examples">The tokenized examples, in file order.</param>
/// <param name="TooLong">Examples dropped because they exceed the context.</param>
public sealed record LoadedDataset(IReadOnlyList<TrainingExample> Examples, int TooLong);

/// <summary>
/// Reads training data in JSON Lines: one object a line with string fields <c>prompt</c> and <c>completion</c>
/// (other fields such as <c>kind</c> are ignored). Each example is encoded as prompt + completion + EOS.
/// </summary>
public static class JsonlDataset
{
    /// <summary>Loads and tokenizes <paramref name="path"/>; examples longer than <paramref name="maxTokens"/> ids are dropped and counted.</summary>
    /// <exception cref="TrainingException">The file is missing, a line is not a JSON object with the two fields, or no example fits.</exception>
    public static LoadedDataset Load(string path, ITextEncoder encoder, int maxTokens)
    {
        if (!File.Exists(path))
            throw new TrainingException($"{path}: data file not found; pass JSONL with one {{\"prompt\", \"completion\"}} object per line.");
        var examples = new List<TrainingExample>();
        int tooLong = 0, lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            var (prompt, completion) = Parse(line, path, lineNumber);
            var example = Encode(encoder, prompt, completion);
            if (example.Tokens.Length > maxTokens)
            {
                tooLong++;
                continue;
            }
            examples.Add(example);
        }
        if (examples.Count == 0)
            throw new TrainingException($"{path}: no example fits in {maxTokens} tokens ({tooLong} too long, {lineNumber} lines); raise the context or check the file.");
        return new LoadedDataset(examples, tooLong);
    }

    /// <summary>Encodes one example as prompt + completion + EOS.</summary>
    public static TrainingExample Encode(ITextEncoder encoder, string prompt, string completion)
    {
        var p = encoder.Encode(prompt);
        var c = encoder.Encode(completion);
        var tokens = new int[p.Count + c.Count + 1];
        for (int i = 0; i < p.Count; i++)
            tokens[i] = p[i];
        for (int i = 0; i < c.Count; i++)
            tokens[p.Count + i] = c[i];
        tokens[^1] = encoder.EosId;
        return new TrainingExample(tokens, Math.Max(1, p.Count));
    }

    private static (string Prompt, string Completion) Parse(string line, string path, int lineNumber)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.String
                && root.TryGetProperty("completion", out var c) && c.ValueKind == JsonValueKind.String)
                return (p.GetString()!, c.GetString()!);
        }
        catch (JsonException e)
        {
            throw new TrainingException($"{path}:{lineNumber}: not valid JSON ({e.Message}).", e);
        }
        throw new TrainingException($"{path}:{lineNumber}: expected an object with string fields \"prompt\" and \"completion\".");
    }
}
