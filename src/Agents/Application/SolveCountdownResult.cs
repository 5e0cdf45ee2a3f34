using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Agents.Application;

/// <summary>The outcome of <see cref="SolveCountdown"/>: the solve, its verdict and the warnings a user should see.</summary>
/// <param name="Problem">The problem solved.</param>
/// <param name="Strategy">The strategy that ran.</param>
/// <param name="Solve">The solve's outcome.</param>
/// <param name="Verdict">Whether it is right (unsolvable problems included).</param>
/// <param name="Warnings">Things a user should know, e.g. a problem outside the shipped models' training range.</param>
public sealed record SolveCountdownResult(CountdownProblem Problem, CountdownStrategy Strategy, CountdownSolveResult Solve, SolveVerdict Verdict,
    IReadOnlyList<string> Warnings)
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON object <c>reason countdown solve --json</c> prints (docs/cli.md).</summary>
    public JsonObject ToJson() => new()
    {
        ["solved"] = Solve.Solved,
        ["verified"] = Solve.Verified,
        ["solvable"] = Verdict.Solvable,
        ["correct"] = Verdict.Correct,
        ["solution"] = Solve.Solution is null ? null : new JsonArray(Solve.Solution.Select(s => (JsonNode)s).ToArray()),
        ["reason"] = Solve.Reason,
        ["usage"] = new JsonObject { ["total_tokens"] = Solve.TotalTokens, ["sequential_tokens"] = Solve.SequentialTokens, ["threads"] = Solve.Threads, ["prm_calls"] = Solve.PrmCalls },
        ["elapsed_ms"] = Math.Round(Solve.ElapsedMilliseconds, 1),
        ["tree"] = Solve.Tree.DeepClone(),
    };

    /// <summary><see cref="ToJson"/> as one line, non-ASCII kept as is.</summary>
    public string ToJsonString() => ToJson().ToJsonString(Compact);
}
