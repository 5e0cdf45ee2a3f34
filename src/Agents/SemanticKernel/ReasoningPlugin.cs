using System.ComponentModel;
using Mediator;
using Microsoft.SemanticKernel;
using Reasoning.Agents.Application;

namespace Reasoning.Agents.SemanticKernel;

/// <summary>
/// Parallel reasoning as Semantic Kernel functions: <c>solve_countdown</c>, <c>reason</c> and <c>explore</c>, each one
/// request of the application layer sent through <see cref="ISender"/> (so the validation and logging behaviours run
/// as for the CLI). Register it with <c>kernel.Plugins.AddFromObject(new ReasoningPlugin(sender))</c>, or with
/// <c>builder.Services.AddReasoningApplication()</c> and <c>builder.Plugins.AddFromType&lt;ReasoningPlugin&gt;()</c>.
/// Bad arguments throw <see cref="Engine.Errors.InvalidRequestException"/>, whose message auto function calling hands to the model.
/// </summary>
/// <param name="sender">Sends the requests (the generated mediator of <see cref="ReasoningServices.AddReasoningApplication"/>).</param>
public sealed class ReasoningPlugin(ISender sender)
{
    /// <summary>The plugin's name in a kernel.</summary>
    public const string Name = "reasoning";

    /// <summary>Solves a Countdown problem and returns <c>reason countdown solve --json</c>'s object.</summary>
    [KernelFunction("solve_countdown")]
    [Description("Solves a Countdown number puzzle: combine all the numbers with + - * / to reach the target. Returns JSON with the solution steps, whether a checker verified them, token usage and the reasoning tree.")]
    public async Task<string> SolveCountdownAsync(
        [Description("The numbers to combine, 2 to 6 whole numbers from 1 to 1,000,000, e.g. [44, 19, 35, 73].")] int[] numbers,
        [Description("The number to reach, from 1 to 1,000,000.")] int target,
        [Description("How to reason: apr (parallel spawn/join, default), sos (one serial trace), cons@N (majority of N traces), pass@N, or a step-level search checked line by line: astar, bon@N, beam@W, pf@N.")] string? strategy = null,
        CancellationToken cancellationToken = default) =>
        (await sender.Send(new SolveCountdown(numbers, target, strategy ?? "apr"), cancellationToken).ConfigureAwait(false)).ToJsonString();

    /// <summary>Answers a question by a strategy and returns the answer with a short trace summary, as JSON.</summary>
    [KernelFunction("reason")]
    [Description("Answers a question by a reasoning strategy and returns JSON with the answer, whether it was verified and a short summary of the reasoning (threads, tokens). The shipped models answer Countdown questions written like 'numbers 44,19,35,73 target 98'.")]
    public async Task<string> ReasonAsync(
        [Description("The question.")] string question,
        [Description("apr, sos, cons@N or pass@N for Countdown; sos or cons@N for other questions. Default: apr for Countdown, sos otherwise.")] string? strategy = null,
        [Description("Most tokens per thread (default: 4096 for Countdown, 128 otherwise).")] int? budget = null,
        CancellationToken cancellationToken = default) =>
        ResultJson.Write(await sender.Send(new Reason(question, strategy, budget), cancellationToken).ConfigureAwait(false));

    /// <summary>Samples n parallel thoughts on a question and returns them side by side, as JSON.</summary>
    [KernelFunction("explore")]
    [Description("Explores a question with n parallel thoughts sampled from one prompt and returns them side by side as JSON (each with its answer, and for Countdown whether a checker verified it), plus the majority answer.")]
    public async Task<string> ExploreAsync(
        [Description("The question.")] string question,
        [Description("How many thoughts, 1 to 64 (default 4).")] int n = 4,
        CancellationToken cancellationToken = default) =>
        ResultJson.Write(await sender.Send(new Explore(question, n), cancellationToken).ConfigureAwait(false));
}
