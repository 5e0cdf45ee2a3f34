using Reasoning.Evaluation.Countdown;
using Reasoning.Orchestrator;
using Reasoning.Orchestrator.Apr;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Agents.Application;

/// <summary>Countdown as the strategies see it (the same prompts, children and answer key as <see cref="CountdownSolver"/>), for <see cref="Explore"/>'s side-by-side traces.</summary>
/// <param name="problem">The problem.</param>
internal sealed class CountdownReasoningTask(CountdownProblem problem) : IReasoningTask
{
    private readonly CountdownAprTask _apr = new();

    /// <inheritdoc />
    public string Prompt(PromptStyle style) => style == PromptStyle.Parallel ? CountdownPrompts.Apr(problem) : CountdownPrompts.Sos(problem);

    /// <inheritdoc />
    public string BuildChildContext(string parentTrace, AprChildCall call) => _apr.BuildChildContext(parentTrace, call);

    /// <inheritdoc />
    public string? ReadChildResult(string childTrace) => _apr.ReadChildResult(childTrace);

    /// <inheritdoc />
    public string? AnswerOf(string trace) => TraceParser.ReadSolution(trace).Solution is { } s ? string.Join(",", s) : null;

    /// <inheritdoc />
    public bool Verify(string trace) => TraceParser.ReadSolution(trace).Solution is { } s && SolutionChecker.Check(problem, s).IsValid;
}
