using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.Evaluation.Countdown;
using Reasoning.Tasks.Countdown;
using Reasoning.TestSupport;
using Reasoning.Threads;

namespace Reasoning.Agents.Tests.Application;

/// <summary>
/// The answers the doors must give, computed without them: the Evaluation's solver called directly (what the CLI ran
/// before the application layer), and greedy generation on one thread.
/// </summary>
public static class Direct
{
    /// <summary>The random-weight fixture model the tests run (fast; its traces never verify).</summary>
    public static string Tiny => RepoPaths.FixtureModel("tiny-qwen3");

    /// <summary>The Countdown problem every door test solves.</summary>
    public static CountdownProblem Problem { get; } = new([44, 19, 35, 73], 98);

    /// <summary>Solves <paramref name="problem"/> on <paramref name="model"/> with the Evaluation's solver, greedy.</summary>
    public static async Task<CountdownSolveResult> SolveAsync(string model, CountdownProblem problem, string strategy, int context)
    {
        using var loaded = TransformerModel.Load(model);
        using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = 1L << 30 });
        var codec = new TokenizerCodec(Tokenizer.Load(model));
        return await CountdownSolver.SolveAsync(engine, codec, problem, new SolveOptions { Strategy = CountdownStrategy.Parse(strategy), ContextWindow = context });
    }

    /// <summary>The greedy continuation of <paramref name="prompt"/> on one thread, at most <paramref name="maxTokens"/> tokens.</summary>
    public static async Task<string> GreedyAsync(string model, string prompt, int maxTokens)
    {
        using var loaded = TransformerModel.Load(model);
        using var engine = new InferenceEngine(loaded, new EngineOptions { KvMemoryBytes = 256L << 20 });
        using var run = new ThreadRun(engine, new TokenizerCodec(Tokenizer.Load(model)), new ThreadBudget { ContextWindow = loaded.Config.MaxPositionEmbeddings });
        var root = run.CreateRoot(prompt);
        await root.GenerateAsync(new ThreadGenerationOptions { MaxTokens = maxTokens, Temperature = 0 });
        return root.Text[prompt.Length..];
    }

    /// <summary>The last non-empty line with whitespace runs made one space, written out here rather than taken from the code under test.</summary>
    public static string? LastLine(string text)
    {
        string? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = new System.Text.StringBuilder();
            bool gap = false;
            foreach (char c in raw)
            {
                if (char.IsWhiteSpace(c))
                    gap = line.Length > 0;
                else
                {
                    if (gap)
                        line.Append(' ');
                    line.Append(c);
                    gap = false;
                }
            }
            if (line.Length > 0)
                last = line.ToString();
        }
        return last;
    }
}
