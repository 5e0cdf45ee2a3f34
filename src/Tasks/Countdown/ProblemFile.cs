namespace Reasoning.Tasks.Countdown;

/// <summary>Reads and writes problem files: JSON lines, one <c>{"numbers":[..],"target":..}</c> a line.</summary>
public static class ProblemFile
{
    /// <summary>Reads every problem of a JSONL file; blank lines are skipped, bad lines throw naming the line.</summary>
    public static IReadOnlyList<CountdownProblem> Read(string path)
    {
        if (!File.Exists(path))
            throw new CountdownFormatException($"{path}: no such problem file; create one with `reason countdown generate --out {path}`.");
        return Parse(File.ReadLines(path), path);
    }

    /// <summary>Parses JSONL lines; <paramref name="source"/> names them in errors.</summary>
    public static IReadOnlyList<CountdownProblem> Parse(IEnumerable<string> lines, string source)
    {
        var problems = new List<CountdownProblem>();
        int number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            problems.Add(CountdownProblem.FromJson(line, $"{source}:{number}"));
        }
        return problems;
    }

    /// <summary>Formats problems as JSONL text (one line each, trailing newline).</summary>
    public static string Format(IEnumerable<CountdownProblem> problems) =>
        string.Concat(problems.Select(p => p.ToJson() + "\n"));
}
