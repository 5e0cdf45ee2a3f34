using System.CommandLine;
using System.Text.Json.Nodes;
using Reasoning.Engine.Io;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli.Commands.Countdown;

/// <summary>
/// <c>reason countdown trace --problems F --format sos|apr [--seed S] --out F [--sequences F]</c>: one JSON object a
/// line <c>{"problem":{..},"format":"apr","trace":"…","solved":true,"solution":[..],"spawns":n}</c>, and optionally the
/// training sequences (see <see cref="TrainingSequence"/>).
/// </summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var problemsFile = new Option<string>("--problems") { Description = "Problem JSONL file.", Required = true };
        var format = new Option<string>("--format") { Description = "sos (serial SoS+) or apr (parallel).", DefaultValueFactory = _ => "apr" };
        format.AcceptOnlyFromAmong("sos", "apr");
        var seed = new Option<int>("--seed") { Description = "Seed; problem i is traced with seed + i.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output trace JSONL file.", Required = true };
        var sequences = new Option<string?>("--sequences") { Description = "Also write training sequences (JSONL) here." };
        var budget = new Option<bool>("--sub-call-budget") { Description = "Prefix APR root sequences with 'Sub Call Budget: n '." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        var command = new Command("trace", "Write symbolic search traces in APR's exact SoS+ or APR format.");
        foreach (var o in new Option[] { problemsFile, format, seed, output, sequences, budget, json }) command.Options.Add(o);
        command.SetAction(r => CountdownCommand.Guard(() =>
        {
            var problems = ProblemFile.Read(r.GetValue(problemsFile)!);
            bool apr = r.GetValue(format) == "apr";
            int baseSeed = r.GetValue(seed);
            var records = new List<string>(problems.Count);
            var seqs = new List<string>();
            int solved = 0, spawns = 0;
            CliProgress.Run("tracing", problems.Count, progress =>
            {
                for (int i = 0; i < problems.Count; i++)
                {
                    var p = problems[i];
                    var record = new JsonObject { ["problem"] = p.ToJsonNode(), ["format"] = apr ? "apr" : "sos" };
                    IReadOnlyList<string>? solution;
                    if (apr)
                    {
                        var t = AprTraceWriter.Write(p, unchecked(baseSeed + i));
                        (record["trace"], solution) = (t.Text, t.Root.Solution);
                        record["spawns"] = t.ChildCount;
                        record["children"] = new JsonArray(t.Root.All().Skip(1).Select(c => (JsonNode?)c.Text).ToArray());
                        spawns += t.ChildCount;
                        seqs.AddRange(TrainingSequence.FromApr(t, r.GetValue(budget)).Select(s => s.ToJson()));
                    }
                    else
                    {
                        var t = SosTraceWriter.Write(p, unchecked(baseSeed + i));
                        (record["trace"], solution) = (t.Text, t.Solution);
                        seqs.Add(TrainingSequence.FromSos(t).ToJson());
                    }
                    record["solved"] = solution is not null;
                    record["solution"] = solution is null ? null : new JsonArray(solution.Select(s => (JsonNode?)s).ToArray());
                    if (solution is not null) solved++;
                    records.Add(record.ToJsonString());
                    progress(i + 1);
                }
                return 0;
            });
            var path = r.GetValue(output)!;
            AtomicFile.WriteText(path, w => records.ForEach(w.WriteLine));
            if (r.GetValue(sequences) is { } seqPath) AtomicFile.WriteText(seqPath, w => seqs.ForEach(w.WriteLine));
            var summary = new JsonObject { ["problems"] = problems.Count, ["solved"] = solved, ["spawns"] = spawns, ["sequences"] = seqs.Count, ["out"] = path };
            Console.WriteLine(r.GetValue(json) ? summary.ToJsonString()
                : $"traced {problems.Count} problems ({r.GetValue(format)}): {solved} solved by the symbolic search, {spawns} children spawned; wrote {path}");
            return 0;
        }));
        return command;
    }
}
