using System.ComponentModel;
using Mediator;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Reasoning.Agents.Application;
using Reasoning.Engine.Errors;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Agents.Mcp;

/// <summary>
/// The MCP tools <c>solve_countdown</c>, <c>reason</c> and <c>explore</c>: each sends one application-layer request,
/// reports the run's progress (threads, tokens) to a client that asked for it, and stops when the client cancels.
/// A refused argument comes back as a tool error (<c>isError</c>) whose text says what was wrong; the server keeps serving.
/// </summary>
/// <param name="sender">Sends the requests.</param>
[McpServerToolType]
public sealed class ReasoningMcpTools(ISender sender)
{
    /// <summary>Solves a Countdown problem; returns <c>reason countdown solve --json</c>'s object as text.</summary>
    [McpServerTool(Name = "solve_countdown", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Solves a Countdown number puzzle (combine all the numbers with + - * / to reach the target) with a parallel-reasoning model. Returns the JSON of `reason countdown solve --json`: solution steps, whether a checker verified them, token usage and the reasoning tree.")]
    public Task<string> SolveCountdown(
        [Description("The numbers to combine, 2 to 6 whole numbers from 1 to 1,000,000, e.g. [44, 19, 35, 73].")] int[] numbers,
        [Description("The number to reach, from 1 to 1,000,000.")] int target,
        [Description("apr (parallel spawn/join, default), sos (one serial trace), cons@N (majority of N traces), pass@N, or a step-level search checked line by line: astar, bon@N, beam@W, pf@N.")] string? strategy = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () => (await sender.Send(new Application.SolveCountdown(numbers, target, strategy ?? "apr") { Progress = Adapt(progress) }, cancellationToken)
            .ConfigureAwait(false)).ToJsonString());

    /// <summary>Answers a question by a strategy; returns the answer and a short trace summary as JSON.</summary>
    [McpServerTool(Name = "reason", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Answers a question by a reasoning strategy; returns JSON with the answer, whether it was verified and a short summary (threads, tokens). The shipped models answer Countdown questions written like 'numbers 44,19,35,73 target 98'; a server started with --model DIR answers any question.")]
    public Task<string> Reason(
        [Description("The question.")] string question,
        [Description("apr, sos, cons@N or pass@N for Countdown; sos or cons@N for other questions. Default: apr for Countdown, sos otherwise.")] string? strategy = null,
        [Description("Most tokens per thread (default: 4096 for Countdown, 128 otherwise).")] int? budget = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () => ResultJson.Write(await sender.Send(new Application.Reason(question, strategy, budget) { Progress = Adapt(progress) }, cancellationToken).ConfigureAwait(false)));

    /// <summary>Samples n parallel thoughts on a question; returns them side by side as JSON.</summary>
    [McpServerTool(Name = "explore", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Explores a question with n parallel thoughts forked from one prompt; returns them side by side as JSON (each with its answer, and for Countdown whether a checker verified it) plus the majority answer.")]
    public Task<string> Explore(
        [Description("The question.")] string question,
        [Description("How many thoughts, 1 to 64 (default 4).")] int n = 4,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default) =>
        Guard(async () => ResultJson.Write(await sender.Send(new Application.Explore(question, n) { Progress = Adapt(progress) }, cancellationToken).ConfigureAwait(false)));

    /// <summary>Turns the framework's typed refusals into MCP tool errors, whose message the SDK passes to the client as is.</summary>
    private static async Task<string> Guard(Func<Task<string>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ReasoningException or CountdownFormatException)
        {
            throw new McpException(e.Message, e);
        }
    }

    /// <summary>Progress as MCP sends it: the tokens so far as the (growing) value, threads and tokens in words.</summary>
    private static IProgress<RunProgress>? Adapt(IProgress<ProgressNotificationValue>? progress) =>
        progress is null ? null : new Progress(progress);

    private sealed class Progress(IProgress<ProgressNotificationValue> target) : IProgress<RunProgress>
    {
        public void Report(RunProgress value) => target.Report(new ProgressNotificationValue { Progress = value.Tokens, Message = value.ToString() });
    }
}
