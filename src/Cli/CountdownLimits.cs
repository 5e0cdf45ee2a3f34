using Reasoning.Agents.Application;
using Reasoning.Engine.Errors;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Cli;

/// <summary>
/// The ranges every command accepts (the rules are <see cref="CountdownRules"/>'s, shared with the MCP server and the plugin), in one place so that <c>countdown generate</c>, <c>stats</c>, <c>solve</c> and
/// <c>eval countdown</c> agree, and the narrower range the shipped models were trained on (inputs outside it run, with
/// a warning).
/// </summary>
internal static class CountdownLimits
{
    /// <summary>Fewest numbers of a problem (the generator's rule, for every command).</summary>
    public const int MinNumbers = CountdownRules.MinNumbers;
    /// <summary>Most numbers of a problem (the generator's rule, for every command).</summary>
    public const int MaxNumbers = CountdownRules.MaxNumbers;
    /// <summary>Largest number or target accepted.</summary>
    public const int MaxValue = CountdownRules.MaxValue;
    /// <summary>Fewest tokens a thread's context window may have: room for a prompt and a few lines.</summary>
    public const int MinContext = CountdownRules.MinContext;

    /// <summary>The shipped models' training range: 4 numbers of 1–99, a target of 10–100 (APR's generator).</summary>
    public const string TrainingRange = CountdownRules.TrainingRange;

    /// <summary>Refuses a count of numbers outside <see cref="MinNumbers"/>–<see cref="MaxNumbers"/>.</summary>
    public static void CheckCount(int count, string what) => CountdownRules.CheckCount(count, what);

    /// <summary>Refuses a <c>--numbers N</c> (how many numbers a problem has) outside <see cref="MinNumbers"/>–<see cref="MaxNumbers"/>.</summary>
    public static void CheckNumbersOption(int count)
    {
        if (count is < MinNumbers or > MaxNumbers)
            throw new InvalidRequestException($"--numbers {count} is outside {MinNumbers}-{MaxNumbers}; a Countdown problem has {MinNumbers} to {MaxNumbers} numbers (the shipped models were trained on 4).");
    }

    /// <summary>Refuses a negative <c>--count</c>.</summary>
    public static void CheckCountOption(int count)
    {
        if (count < 0)
            throw new InvalidRequestException($"--count {count} is negative; give how many problems.");
    }

    /// <summary>Refuses a problem outside the accepted ranges; <paramref name="where"/> names it in the message.</summary>
    public static void Check(CountdownProblem problem, string where)
    {
        CheckCount(problem.Numbers.Count, where);
        if (problem.Numbers.Any(n => n is < 1 or > MaxValue))
            throw new InvalidRequestException($"{where}: the numbers must be from 1 to {MaxValue:N0}; got {string.Join(",", problem.Numbers)}.");
        if (problem.Target is < 1 or > MaxValue)
            throw new InvalidRequestException($"{where}: the target must be from 1 to {MaxValue:N0}; got {problem.Target}.");
    }

    /// <summary>Whether the shipped models saw problems like this one in training.</summary>
    public static bool InTrainingRange(CountdownProblem problem) => CountdownRules.InTrainingRange(problem);

    /// <summary>
    /// The context window to use: the given <c>--context</c>, refused outside <see cref="MinContext"/> and the model's
    /// window; when the option was not given, its default capped at the model's window.
    /// </summary>
    public static int Context(System.CommandLine.ParseResult parse, System.CommandLine.Option<int> option, int modelWindow)
    {
        int context = parse.GetValue(option);
        if (parse.GetResult(option) is null or { Implicit: true })
            return Math.Min(context, modelWindow);
        CheckContext(context, modelWindow);
        return context;
    }

    /// <summary>Refuses a context window outside <see cref="MinContext"/> and the model's window.</summary>
    public static void CheckContext(int context, int modelWindow) => CountdownRules.CheckContext(context, modelWindow);

    /// <summary>
    /// The engine threads to use: 0 (one per core) stays 0; more than the machine's cores is capped at the cores with a
    /// warning, because the engine's worker team spins while it waits for its slowest member, and a worker without a core
    /// of its own stalls every step (docs/cli.md).
    /// </summary>
    public static int Threads(int threads)
    {
        if (threads < 0)
            throw new InvalidRequestException($"--threads {threads} is negative; give 0 (one per core) or from 1 to {Environment.ProcessorCount}.");
        int cores = Environment.ProcessorCount;
        if (threads <= cores)
            return threads;
        Terminal.Warn($"--threads {threads} is more than this machine's {cores} cores; using {cores} (the engine's threads wait for each other every step, so extra ones only slow it).");
        return cores;
    }

    /// <summary>Refuses a negative or non-finite temperature.</summary>
    public static void CheckTemperature(float temperature) => CountdownRules.CheckTemperature(temperature);
}
