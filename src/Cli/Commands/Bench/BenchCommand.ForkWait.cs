using System.CommandLine;
using System.Diagnostics;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;

namespace Reasoning.Cli.Commands.Bench;

// reason bench fork-wait: how long a Fork() or CreateSequence() on another thread waits while decode steps run.
internal static partial class BenchCommand
{
    private static Command ForkWait()
    {
        var cmd = new Command("fork-wait", "Time a Fork() and a CreateSequence() take on another thread while a batch of N sequences decodes, against the step time (medians).");
        var c = AddCommon(cmd);
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 16, Description = "Sequences decoding meanwhile (1 to 1024)." };
        var samples = new Option<int>("--samples") { DefaultValueFactory = _ => 30, Description = "Forks (and creations) timed." };
        cmd.Options.Add(batch);
        cmd.Options.Add(samples);
        cmd.SetAction(p =>
        {
            int size = p.GetValue(batch), count = p.GetValue(samples);
            if (size < 1 || size > 1024)
                throw new Engine.Errors.InvalidRequestException($"--batch {size} is invalid; use 1 to 1024.");
            if (count < 1 || count > 10_000)
                throw new Engine.Errors.InvalidRequestException($"--samples {count} is invalid; use 1 to 10000.");
            return Run(p, c, (engine, _) => MeasureForkWait(engine, size, count));
        });
        return cmd;
    }

    /// <summary>
    /// N children of a prefilled prompt decode without end; once they are in lockstep, another thread forks the idle
    /// parent (and creates a sequence) at random moments, so almost every call lands while a step's forward pass runs.
    /// The step time: the time between two observed changes of the step counter over the steps between them (the
    /// median of those; with ~1 ms polling, exact to about a millisecond).
    /// </summary>
    private static Dictionary<string, object> MeasureForkWait(InferenceEngine engine, int size, int samples)
    {
        using var parent = engine.CreateSequence(PromptTokens(16, engine.Model.Config.VocabSize, 0));
        parent.PrefillAsync().GetAwaiter().GetResult();
        var children = Enumerable.Range(0, size).Select(_ => parent.Fork()).ToList();
        using var stop = new CancellationTokenSource();
        using var decoding = new ManualResetEventSlim();
        var options = new SamplingOptions { MaxTokens = engine.Model.Config.MaxPositionEmbeddings - 32, Temperature = 1 };
        Task[] running;
        using (engine.HoldSubmissions())
            running = [.. children.Select((s, i) => Task.Run(async () =>
            {
                int seen = 0;
                try
                {
                    await foreach (var _ in s.GenerateAsync([], options with { Seed = (ulong)i }, stopStrings: null, stop.Token))
                        if (i == 0 && ++seen == 2)
                            decoding.Set();
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    if (i == 0)
                        decoding.Set();   // a generation that ends or fails early must not leave the bench waiting
                }
            }))];
        decoding.Wait();
        var forkUs = new List<double>();
        var createUs = new List<double>();
        var stepMs = new List<double>();
        var measure = new Thread(() =>
        {
            // Polls the step counter every millisecond (a step's end is seen within ~1 ms) and forks at random
            // moments between polls, until enough forks are timed and enough steps seen (or a minute passes).
            var random = new Random(1);
            long steps = engine.Steps, since = Stopwatch.GetTimestamp(), begin = since;
            long nextFork = since;
            bool counting = false;   // the first change ends a partial step
            while ((forkUs.Count < samples || stepMs.Count < 5) && Stopwatch.GetElapsedTime(begin).TotalSeconds < 60
                   && !running.All(t => t.IsCompleted))
            {
                Thread.Sleep(1);
                long nowSteps = engine.Steps, now = Stopwatch.GetTimestamp();
                if (nowSteps > steps)
                {
                    if (counting)
                        stepMs.Add(Stopwatch.GetElapsedTime(since, now).TotalMilliseconds / (nowSteps - steps));
                    counting = true;
                    (steps, since) = (nowSteps, now);
                }
                if (forkUs.Count >= samples || now < nextFork)
                    continue;
                nextFork = now + random.Next(1, 20) * Stopwatch.Frequency / 1000;
                long t0 = Stopwatch.GetTimestamp();
                var fork = parent.Fork();
                forkUs.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                fork.Dispose();
                t0 = Stopwatch.GetTimestamp();
                var fresh = engine.CreateSequence();
                createUs.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                fresh.Dispose();
            }
        });
        measure.Start();
        measure.Join();
        stop.Cancel();
        Task.WaitAll(running);
        children.ForEach(ch => ch.Dispose());
        return new Dictionary<string, object>
        {
            ["batch"] = size, ["samples"] = samples,
            ["step_ms_median"] = stepMs.Count == 0 ? -1 : Math.Round(BenchStats.Median(stepMs), 3),
            ["fork_us_median"] = Math.Round(BenchStats.Median(forkUs), 1), ["fork_us_max"] = Math.Round(forkUs.Max(), 1),
            ["create_sequence_us_median"] = Math.Round(BenchStats.Median(createUs), 1), ["create_sequence_us_max"] = Math.Round(createUs.Max(), 1),
        };
    }
}
