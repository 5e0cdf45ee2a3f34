using Reasoning.Engine.Generation;
using Reasoning.Evaluation.Countdown;
using Reasoning.Orchestrator.Apr;
using Reasoning.Threads;

namespace Reasoning.Fuzz;

/// <summary>
/// APR's runtime on replayed traces: a real APR trace's rounds, mutated, stand in for the model's generations (cut at
/// the first stop string and at the token bounds, as a generation would be), with random budgets, on a real engine.
/// The only file of the harness that uses the runtime's internal generation hook.
/// </summary>
internal sealed class AprRuntimeCases(Func<InferenceEngine> engine) : IFuzzCategory
{
    private readonly Latin1Codec _codec = new();

    public string Name => "apr-runtime";

    public async Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken)
    {
        var trace = CountdownSamples.Apr(random);
        var rootRounds = new Queue<string>(trace.Root.Rounds.Select(r => Maybe(r.Completion, random, 3)));
        var children = trace.Root.All().Skip(1).GroupBy(t => t.NodeId).ToDictionary(g => g.Key, g => Maybe(g.First().Rounds[0].Completion, random, 4));
        var budget = new ThreadBudget
        {
            MaxThreads = random.Next(1, 20), MaxFanOut = random.Next(0, 6), MaxDepth = random.Next(0, 3),
            MaxTokensPerThread = random.Next(1, 5000), MaxTotalTokens = random.Next(1, 40_000),
            ContextWindow = random.Next(4) == 0 ? random.Next(1, 600) : 0,
        };
        var options = new AprOptions
        {
            MaxRounds = random.Next(0, 5),
            Parent = new ThreadGenerationOptions { MaxTokens = random.Next(1, 5000) },
            Child = new ThreadGenerationOptions { MaxTokens = random.Next(1, 5000) },
        };
        string input = $"APR replay of {trace.Problem} (trace seed in the case's stream), budget {budget}, max rounds {options.MaxRounds}";
        describe(input);
        var eng = engine();
        int free = eng.Pool.FreeCount;
        FuzzOutcome outcome;
        try
        {
            using (var run = new ThreadRun(eng, _codec, budget, cancellationToken))
            {
                var result = await AprProtocol.RunAsync(run, trace.Root.Rounds[0].Prompt, new CountdownAprTask(), options,
                    Replay(rootRounds, children, random, budget, eng.Model.Config.MaxPositionEmbeddings), cancellationToken).ConfigureAwait(false);
                outcome = new FuzzOutcome(Name, OutcomeKind.Result, result.FailureReason is null ? "finished" : "root failed", input);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = ErrorKinds.Classify(Name, e, input);
        }
        int leaked = free - eng.Pool.FreeCount;
        return leaked == 0 ? outcome : outcome with { Kind = OutcomeKind.Leak, LeakedPages = leaked };
    }

    private static string Maybe(string text, Random random, int oneIn) => random.Next(oneIn) == 0 ? text : Mutator.Mutate(text, random);

    /// <summary>
    /// The recorded text as a generation would return it: representable in the codec, cut at the first stop string and
    /// at the tokens the thread may still generate (the call's, the thread's and the run's budgets and the context
    /// window, one token a character); past the recorded rounds the root writes random text.
    /// </summary>
    private AprProtocol.Generate Replay(Queue<string> rootRounds, Dictionary<string, string> children, Random random, ThreadBudget budget, int modelWindow)
    {
        var generated = new Dictionary<ReasoningThread, int>();
        long total = 0;
        int window = budget.ContextWindow > 0 ? Math.Min(budget.ContextWindow, modelWindow) : modelWindow;
        return (thread, options, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            string text;
            if (thread.Parent is null)
                text = rootRounds.Count > 0 ? rootRounds.Dequeue() : Mutator.RandomText(random, random.Next(0, 40));
            else
            {
                var node = System.Text.RegularExpressions.Regex.Match(thread.Text, @"Node #([0-9,]+)");
                text = node.Success && children.TryGetValue(node.Groups[1].Value, out var recorded) ? recorded : Mutator.RandomText(random, random.Next(0, 40));
            }
            text = _codec.Representable(text);
            int before = generated.GetValueOrDefault(thread);
            long allowed = Math.Min(Math.Min(options.MaxTokens, budget.MaxTokensPerThread - before), Math.Min(budget.MaxTotalTokens - total, window - thread.ContextTokens));
            if (allowed <= 0)
                return Task.FromResult(new ThreadGeneration("", 0, FinishReason.Length, null, -1, true));
            string? stop = null;
            int stopIndex = -1;
            foreach (var s in options.StopStrings)
            {
                int at = text.IndexOf(s, StringComparison.Ordinal);
                if (at >= 0 && (stopIndex < 0 || at < stopIndex))
                    (stop, stopIndex) = (s, at);
            }
            if (stop is not null)
                text = text[..(stopIndex + stop.Length)];
            bool cut = text.Length > allowed;
            if (cut)
            {
                text = text[..(int)allowed];
                if (stop is not null && !text.EndsWith(stop, StringComparison.Ordinal))
                    (stop, stopIndex) = (null, -1);
            }
            thread.Append(text);
            generated[thread] = before + text.Length;
            total += text.Length;
            bool exhausted = cut && allowed < options.MaxTokens;
            return Task.FromResult(new ThreadGeneration(text, text.Length, cut ? FinishReason.Length : FinishReason.Stop, stop, stopIndex, exhausted));
        };
    }
}
