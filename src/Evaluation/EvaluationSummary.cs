using System.Globalization;
using System.Text.Json.Nodes;

namespace Reasoning.Evaluation;

/// <summary>
/// The figures of one evaluation (one strategy at one context window) over its per-problem records: accuracy with
/// its 95% Wilson interval, and mean total tokens, sequential tokens and latency.
/// </summary>
/// <param name="Strategy">The strategy, as written in the records (apr, sos, cons@8, ...).</param>
/// <param name="Context">The context window of each thread, in tokens.</param>
/// <param name="Problems">Problems evaluated.</param>
/// <param name="Correct">Problems whose solution the checker accepted.</param>
/// <param name="MeanTotalTokens">Mean tokens generated and fed over all threads.</param>
/// <param name="MeanSequentialTokens">Mean tokens on the longest causal chain.</param>
/// <param name="MeanLatencyMs">Mean wall time per problem, in milliseconds.</param>
/// <param name="Parallel">How many problems ran at once (latency is comparable only at equal values).</param>
public sealed record EvaluationSummary(string Strategy, int Context, int Problems, int Correct, double MeanTotalTokens,
    double MeanSequentialTokens, double MeanLatencyMs, int Parallel)
{
    /// <summary>What a record without a <c>machine</c> field (written before records named their machine) counts as.</summary>
    public const string UnrecordedMachine = "unrecorded";

    /// <summary>
    /// The distinct machines the records ran on, in the order first seen (<see cref="UnrecordedMachine"/> for records
    /// that do not say). More than one means the mean latency mixes machines and compares with nothing.
    /// </summary>
    public IReadOnlyList<string> Machines { get; init; } = [];

    /// <summary>The lines of the results file that are not records (left out of every figure, and worth a warning).</summary>
    public IReadOnlyList<RejectedLine> Rejected { get; init; } = [];

    /// <summary>Correct / Problems (0 when there are none).</summary>
    public double Accuracy => Problems == 0 ? 0 : Correct / (double)Problems;

    /// <summary>The 95% Wilson score interval of the accuracy.</summary>
    public (double Low, double High) AccuracyInterval
    {
        get
        {
            if (Problems == 0)
                return (0, 1);
            const double z = 1.959963984540054;
            double n = Problems, p = Accuracy;
            double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            double half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
            return (Math.Max(0, centre - half), Math.Min(1, centre + half));
        }
    }

    /// <summary>Summarizes records written by <c>reason eval countdown</c> (all of one strategy and context).</summary>
    /// <exception cref="ArgumentException">The records mix strategies or contexts, or one lacks a field.</exception>
    public static EvaluationSummary FromRecords(IReadOnlyList<JsonObject> records, string source = "records")
    {
        if (records.Count == 0)
            throw new ArgumentException($"{source} holds no records.", nameof(records));
        string strategy = Field(records[0], "strategy", source).GetValue<string>();
        int context = Field(records[0], "context", source).GetValue<int>();
        foreach (var r in records)
            if (Field(r, "strategy", source).GetValue<string>() != strategy || Field(r, "context", source).GetValue<int>() != context)
                throw new ArgumentException($"{source} mixes strategies or contexts ({strategy} at {context} and {r["strategy"]} at {r["context"]}); summarize one evaluation at a time.", nameof(records));
        double Mean(string key) => records.Average(r => Number(Field(r, key, source)));
        int parallel = records[0]["parallel"] is JsonValue pv ? pv.GetValue<int>() : 1;
        var machines = records.Select(r => r["machine"] is JsonValue m && m.TryGetValue(out string? name) ? name : UnrecordedMachine).Distinct().ToList();
        return new EvaluationSummary(strategy, context, records.Count, records.Count(r => Field(r, "verified", source) is not null && IsCorrect(r)),
            Mean("total_tokens"), Mean("sequential_tokens"), Mean("elapsed_ms"), parallel) { Machines = machines };
    }

    /// <summary>Summarizes a results file of either form (with a settings header, or records only).</summary>
    public static EvaluationSummary Load(string path)
    {
        var contents = ResultsFile.Read(path);
        return FromRecords(contents.Records, path) with { Rejected = contents.Rejected };
    }

    /// <summary>
    /// Whether a record counts as right: its <c>correct</c> field where it has one (an unsolvable problem that the model
    /// says has no solution is right though nothing verifies), else its <c>verified</c> field (records written before
    /// <c>correct</c> existed).
    /// </summary>
    public static bool IsCorrect(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record["correct"] is JsonValue c && c.TryGetValue(out bool correct))
            return correct;
        return Field(record, "verified", "the results").GetValue<bool>();
    }

    /// <summary>The summary as JSON (the shape <c>reason eval countdown --json</c> prints).</summary>
    public JsonObject ToJson()
    {
        var (low, high) = AccuracyInterval;
        return new JsonObject
        {
            ["strategy"] = Strategy, ["context"] = Context, ["problems"] = Problems, ["correct"] = Correct, ["accuracy"] = Accuracy,
            ["accuracy_ci95"] = new JsonArray(Math.Round(low, 4), Math.Round(high, 4)),
            ["mean_total_tokens"] = Math.Round(MeanTotalTokens, 1), ["mean_sequential_tokens"] = Math.Round(MeanSequentialTokens, 1),
            ["mean_latency_ms"] = Math.Round(MeanLatencyMs, 1), ["parallel"] = Parallel,
            ["machines"] = new JsonArray(Machines.Select(m => (JsonNode)m).ToArray()),
        };
    }

    private static JsonNode Field(JsonObject record, string key, string source) =>
        record[key] ?? throw new ArgumentException($"a record of {source} has no \"{key}\"; was it written by 'reason eval countdown'?");

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}
