using Reasoning.Tasks.Countdown;

namespace Reasoning.Fuzz;

/// <summary>
/// SoS+ and APR traces from the task's writers, mutated (or random), through <see cref="TraceParser"/>, the solution
/// checker and the child-context builder.
/// </summary>
internal sealed class CountdownTraceCases : IFuzzCategory
{
    public string Name => "countdown-trace";

    public Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken)
    {
        var problem = CountdownSamples.Problem(random);
        string text = random.Next(6) switch
        {
            0 => Mutator.RandomText(random, random.Next(1, 120)),
            1 or 2 => SosTraceWriter.Write(problem, random.Next(1000)).Text,
            _ => AprTraceWriter.Write(problem, random.Next(1000)).Root.All().ToList() is var threads ? threads[random.Next(threads.Count)].Text : "",
        };
        if (random.Next(3) != 0)
            text = Mutator.Mutate(text, random);
        string input = $"trace of {problem}: " + AprFormatCases.Quote(text);
        describe(input);
        try
        {
            var (solution, _) = TraceParser.ReadSolution(text);
            if (solution is not null)
                SolutionChecker.Check(problem, solution);
            var parsed = TraceParser.Parse(text);
            if (parsed.Solution is not null)
                SolutionChecker.Check(problem, parsed.Solution);
            if (parsed.PendingSpawn is not null)
                CountdownPrompts.Children(text);
            var start = text.Split('\n').FirstOrDefault(l => l.StartsWith("<Start Sub Search", StringComparison.Ordinal));
            if (start is not null)
                CountdownPrompts.Child(text, start);
            return Task.FromResult(new FuzzOutcome(Name, OutcomeKind.Result, parsed.Outcome.ToString(), input));
        }
        catch (Exception e)
        {
            return Task.FromResult(ErrorKinds.Classify(Name, e, input));
        }
    }
}
