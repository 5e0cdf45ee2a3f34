using Reasoning.Orchestrator.Apr;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Fuzz;

/// <summary>Spawn blocks and child traces, written by the trace writer then mutated, or random, through APR's parsers.</summary>
internal sealed class AprFormatCases : IFuzzCategory
{
    public string Name => "apr-format";

    public Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken)
    {
        string text = random.Next(5) == 0 ? Mutator.RandomText(random, random.Next(1, 80)) : Mutator.Mutate(SpawnText(random), random);
        string input = "ParseSpawnBlock(" + Quote(text) + ")";
        describe(input);
        try
        {
            // Reading a child's result and building a join block never throw: they take any text.
            var outcome = AprFormat.ReadChild(new AprChildCall(0, 1, "Moving to Node #0,0"), text);
            AprFormat.ResultOf(text);
            var (_, calls) = AprFormat.ParseSpawnBlock(text);
            AprFormat.BuildJoinBlock([.. calls.Select(c => outcome with { Call = c })]);
            return Task.FromResult(new FuzzOutcome(Name, OutcomeKind.Result, $"{calls.Count} calls", input));
        }
        catch (Exception e)
        {
            return Task.FromResult(ErrorKinds.Classify(Name, e, input));
        }
    }

    /// <summary>The root's text up to its first spawn block, from a real APR trace of a random problem.</summary>
    internal static string SpawnText(Random random)
    {
        var trace = CountdownSamples.Apr(random);
        var spawning = trace.Root.Rounds.Take(trace.Root.Rounds.Count - 1).ToList();
        return spawning.Count > 0 ? spawning[random.Next(spawning.Count)].Text : trace.Text;
    }

    internal static string Quote(string s) => "\"" + ErrorKinds.Short(s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\"", "\\\"")) + "\"";
}

/// <summary>Countdown problems and traces from the task's own writers.</summary>
internal static class CountdownSamples
{
    public static CountdownProblem Problem(Random random) =>
        new ProblemGenerator(random.Next(3, 6)).Generate(1, random.Next(100_000)).First();

    public static AprTrace Apr(Random random) => AprTraceWriter.Write(Problem(random), random.Next(1000));

    public static SosTrace Sos(Random random) => SosTraceWriter.Write(Problem(random), random.Next(1000));
}
