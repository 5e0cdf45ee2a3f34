using System.Diagnostics;
using Reasoning.Engine.Models;
using Reasoning.Training.Data;
using Reasoning.Training.Model;

namespace Reasoning.Training;

/// <summary>A throughput measurement: mean over the timed steps.</summary>
/// <param name="Parameters">Parameters of the model.</param>
/// <param name="TokensPerSecond">Input tokens trained per second.</param>
/// <param name="Gflops">Achieved GFLOP/s (6 × matmul parameters × tokens + causal attention).</param>
/// <param name="SecondsPerStep">Wall time of one optimizer step.</param>
public sealed record BenchmarkResult(long Parameters, double TokensPerSecond, double Gflops, double SecondsPerStep);

/// <summary>Measures training throughput on synthetic sequences of one length (random ids, loss on every token).</summary>
public static class TrainingBenchmark
{
    /// <summary>Runs <paramref name="warmup"/> untimed and <paramref name="steps"/> timed optimizer steps.</summary>
    public static BenchmarkResult Measure(ModelConfig config, int sequenceLength, int batchTokens, int microBatchTokens, int steps = 3, int warmup = 1, int threads = 0)
    {
        var rng = new SplitMix64(42);
        int count = Math.Max(4, 4 * batchTokens / sequenceLength);
        var data = Enumerable.Range(0, count)
            .Select(_ => new TrainingExample(Enumerable.Range(0, sequenceLength + 1).Select(_ => rng.NextInt(config.VocabSize)).ToArray(), 1))
            .ToList();
        var trainer = Trainer.Create(config with { MaxPositionEmbeddings = Math.Max(config.MaxPositionEmbeddings, sequenceLength) }, data,
            new TrainingOptions { Steps = steps + warmup, BatchTokens = batchTokens, MicroBatchTokens = microBatchTokens, WarmupSteps = 1, Threads = threads });
        for (int i = 0; i < warmup; i++)
            trainer.Step();
        double flops = 0, tokens = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            var r = trainer.Step();
            flops += r.Flops;
            tokens += r.Tokens;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new BenchmarkResult(trainer.Layout.Count, tokens / seconds, flops / seconds / 1e9, seconds / steps);
    }
}
