using Reasoning.Engine.Errors;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Agents.Application;

/// <summary>
/// The ranges every door accepts for Countdown (the CLI's commands, the MCP tools, the Semantic Kernel plugin), in one
/// place so they agree, and the narrower range the shipped models were trained on (inputs outside it run, with a warning).
/// </summary>
public static class CountdownRules
{
    /// <summary>Fewest numbers of a problem (the generator's rule).</summary>
    public const int MinNumbers = ProblemGenerator.MinNumbers;
    /// <summary>Most numbers of a problem (the generator's rule).</summary>
    public const int MaxNumbers = ProblemGenerator.MaxNumbers;
    /// <summary>Largest number or target accepted.</summary>
    public const int MaxValue = 1_000_000;
    /// <summary>Fewest tokens a thread's context window may have: room for a prompt and a few lines.</summary>
    public const int MinContext = 32;
    /// <summary>The context window used when none is given (capped at the model's window).</summary>
    public const int DefaultContext = 4096;

    /// <summary>The shipped models' training range: 4 numbers of 1–99, a target of 10–100 (APR's generator).</summary>
    public const string TrainingRange = "4 numbers of 1-99 and a target of 10-100";

    /// <summary>Refuses a count of numbers outside <see cref="MinNumbers"/>–<see cref="MaxNumbers"/>.</summary>
    /// <exception cref="InvalidRequestException">The count is out of range.</exception>
    public static void CheckCount(int count, string what)
    {
        if (count is < MinNumbers or > MaxNumbers)
            throw new InvalidRequestException($"{what} has {count} numbers; a Countdown problem has {MinNumbers} to {MaxNumbers} (the shipped models were trained on 4).");
    }

    /// <summary>The problem <paramref name="numbers"/> → <paramref name="target"/>, refused outside the accepted ranges.</summary>
    /// <exception cref="InvalidRequestException">A number, the count or the target is out of range.</exception>
    public static CountdownProblem Problem(IReadOnlyList<int>? numbers, int target)
    {
        if (numbers is null || numbers.Count == 0)
            throw new InvalidRequestException($"numbers are missing; give {MinNumbers} to {MaxNumbers} whole numbers from 1 to {MaxValue:N0}, e.g. [44, 19, 35, 73].");
        CheckCount(numbers.Count, $"numbers [{string.Join(", ", numbers)}]");
        if (numbers.Any(n => n is < 1 or > MaxValue))
            throw new InvalidRequestException($"the numbers must be from 1 to {MaxValue:N0}; got [{string.Join(", ", numbers)}].");
        if (target is < 1 or > MaxValue)
            throw new InvalidRequestException($"the target must be from 1 to {MaxValue:N0}; got {target}.");
        return new CountdownProblem(numbers, target);
    }

    /// <summary>Whether the shipped models saw problems like this one in training.</summary>
    public static bool InTrainingRange(CountdownProblem problem) =>
        problem.Numbers.Count == 4 && problem.Numbers.All(n => n is >= 1 and <= 99) && problem.Target is >= 10 and <= 100;

    /// <summary>
    /// The context window to use: <paramref name="given"/>, refused outside <see cref="MinContext"/> and the model's
    /// window; when none is given, <see cref="DefaultContext"/> capped at the model's window.
    /// </summary>
    /// <exception cref="InvalidRequestException">The given window is out of range.</exception>
    public static int Context(int? given, int modelWindow)
    {
        if (given is not { } context)
            return Math.Min(DefaultContext, modelWindow);
        CheckContext(context, modelWindow);
        return context;
    }

    /// <summary>Refuses a context window outside <see cref="MinContext"/> and the model's window.</summary>
    /// <exception cref="InvalidRequestException">The window is out of range.</exception>
    public static void CheckContext(int context, int modelWindow)
    {
        if (context < MinContext || context > modelWindow)
            throw new InvalidRequestException($"--context {context} is outside {MinContext}-{modelWindow} tokens (the model's window is {modelWindow}); give e.g. --context {Math.Min(4096, modelWindow)}.");
    }

    /// <summary>Refuses engine threads below 0 or above the machine's cores (a door without a terminal cannot warn and cap, so it refuses).</summary>
    /// <exception cref="InvalidRequestException">The count is negative or above the cores.</exception>
    public static void CheckThreads(int threads)
    {
        int cores = Environment.ProcessorCount;
        if (threads < 0 || threads > cores)
            throw new InvalidRequestException($"threads {threads} is outside 0-{cores}; give 0 (one per core) or from 1 to this machine's {cores} cores.");
    }

    /// <summary>Refuses a negative or non-finite temperature.</summary>
    /// <exception cref="InvalidRequestException">The temperature is negative or not finite.</exception>
    public static void CheckTemperature(float temperature)
    {
        if (!float.IsFinite(temperature) || temperature < 0)
            throw new InvalidRequestException($"--temperature {temperature} must be 0 (greedy) or more.");
    }
}
