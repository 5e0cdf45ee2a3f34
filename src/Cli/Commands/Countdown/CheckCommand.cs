using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>
/// <c>reason countdown check --problems F --solutions F [--json]</c>: line i of the solutions file answers problem i,
/// either <c>{"solution":["44+19=63",..]}</c> or a trace record <c>{"trace":"…"}</c> (as <c>trace</c> writes).
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var problemsFile = new Option<string>("--problems") { Description = "Problem JSONL file.", Required = true };
        var solutionsFile = new Option<string>("--solutions") { Description = "JSONL of {\"solution\":[..]} or {\"trace\":\"..\"}, one a problem.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("check", "Replay solutions (or the final path of traces) with exact arithmetic.");
        foreach (var o in new Option[] { problemsFile, solutionsFile, json }) command.Options.Add(o);
        command.SetAction(r => CountdownCommand.Guard(() =>
        {
            var problems = ProblemFile.Read(r.GetValue(problemsFile)!);
            var path = r.GetValue(solutionsFile)!;
            if (!File.Exists(path)) throw new CountdownFormatException($"{path}: no such solutions file.");
            var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
            if (lines.Count != problems.Count)
                throw new CountdownFormatException($"{path} holds {lines.Count} answers for {problems.Count} problems; give one line per problem, in order.");
            var results = CliProgress.Run("checking", lines.Count, progress =>
            {
                var list = new List<CheckResult>();
                for (int i = 0; i < lines.Count; i++)
                {
                    list.Add(CheckOne(problems[i], lines[i], $"{path}:{i + 1}"));
                    progress(i + 1);
                }
                return list;
            });
            int valid = results.Count(x => x.IsValid);
            var byKind = results.Where(x => !x.IsValid).GroupBy(x => x.Failure.ToString()).ToDictionary(g => g.Key, g => g.Count());
            var firstFailures = results.Select((x, i) => (x, i)).Where(t => !t.x.IsValid).Take(5).Select(t => $"problem {t.i + 1} {problems[t.i]}: {t.x.Message}").ToList();
            if (r.GetValue(json))
            {
                var failures = new JsonObject();
                foreach (var (k, v) in byKind) failures[k] = v;
                Console.WriteLine(new JsonObject
                {
                    ["checked"] = results.Count, ["valid"] = valid, ["accuracy"] = results.Count == 0 ? 0 : valid / (double)results.Count,
                    ["failures"] = failures, ["examples"] = new JsonArray(firstFailures.Select(f => (JsonNode?)f).ToArray()),
                }.ToJsonString());
            }
            else
            {
                Console.WriteLine($"{valid}/{results.Count} valid ({(results.Count == 0 ? 0 : 100.0 * valid / results.Count):F1}%)");
                foreach (var (k, v) in byKind) Console.WriteLine($"  {k}: {v}");
                foreach (var f in firstFailures) Console.WriteLine($"  {f}");
            }
            return 0;
        }));
        return command;
    }

    private static CheckResult CheckOne(CountdownProblem problem, string line, string where)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(line); }
        catch (JsonException e) { throw new CountdownFormatException($"{where}: not valid JSON ({e.Message}).", e); }
        if (node?["problem"] is JsonObject p && !CountdownProblem.FromJsonNode(p, where).Equals(problem))
            throw new CountdownFormatException($"{where}: the answer is for {CountdownProblem.FromJsonNode(p, where)}, but that line's problem is {problem}; keep both files in the same order.");
        if (node?["trace"] is JsonValue trace && trace.TryGetValue<string>(out var text))
        {
            var parsed = TraceParser.TryParse(text, out var error);
            return parsed?.Check(problem)
                ?? new CheckResult(CheckFailure.Malformed, -1, $"the trace is malformed: {error}", problem.Numbers.Select(n => (long)n).ToArray());
        }
        if (node?["solution"] is JsonArray steps)
            return SolutionChecker.Check(problem, steps.Select(s => s is JsonValue v && v.TryGetValue<string>(out var t) ? t : s?.ToJsonString() ?? "null").ToList());
        if (node?["solution"] is null && node is JsonObject o && o.ContainsKey("solution"))
            return new CheckResult(CheckFailure.Empty, -1, "no solution given (null).", problem.Numbers.Select(n => (long)n).ToArray());
        throw new CountdownFormatException($"{where}: expected {{\"solution\":[\"44+19=63\",..]}} or {{\"trace\":\"...\"}}.");
    }
}
