using System.CommandLine;
using System.Globalization;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.Training;
using Reasoning.Training.Data;

namespace Reasoning.Cli.Commands;

/// <summary>
/// <c>reason train</c>: trains a Llama model on prompt/completion JSONL with the C# trainer, printing a live progress
/// line, logging the curve to OUT/train_log.jsonl (plotted to OUT/loss.svg), checkpointing to OUT/checkpoint (also on
/// Ctrl-C) and exporting the Hugging Face folder OUT/model at the end.
/// </summary>
internal static class TrainCommand
{
    /// <summary>
    /// This machine's f32 FMA peak on <paramref name="threads"/> threads (0: all cores), measured for half a second,
    /// for the progress line's percentage: a constant would be wrong on the next kind of machine.
    /// </summary>
    private static double MeasurePeak(int threads) =>
        Engine.Diagnostics.MachineCeilings.FmaThroughput(threads > 0 ? threads : Environment.ProcessorCount, seconds: 0.5);

    /// <summary>
    /// Builds the command. <paramref name="loadEncoder"/> turns the --tokenizer argument into an encoder; without it,
    /// only <c>--tokenizer bytes</c> (one id per UTF-8 byte, EOS 256) is available.
    /// </summary>
    public static Command Create(Func<string, ITextEncoder>? loadEncoder = null)
    {
        loadEncoder ??= BytesOnly;
        var data = new Option<string>("--data") { Description = "Training JSONL: one {\"prompt\", \"completion\"} object per line." };
        var tokenizer = new Option<string>("--tokenizer") { Description = "tokenizer.json (or its folder); 'bytes' for a byte-level vocabulary." };
        var config = new Option<string>("--config") { Description = "Model shape as a Hugging Face config.json (LlamaForCausalLM); not needed with --resume or --init-from." };
        var output = new Option<string>("--out") { Description = "Output folder: checkpoint/, model/, train_log.jsonl, loss.svg." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (a checkpoint folder or a previous --out)." };
        var initFrom = new Option<string?>("--init-from") { Description = "Warm start from an exported model folder (its weights; fresh optimizer and schedule)." };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps of the whole run.", DefaultValueFactory = _ => 1000 };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "Input tokens per optimizer step.", DefaultValueFactory = _ => 16384 };
        var microTokens = new Option<int>("--micro-batch-tokens") { Description = "Input tokens per forward/backward (gradient accumulation).", DefaultValueFactory = _ => 4096 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 1e-3 };
        var warmup = new Option<int>("--warmup") { Description = "Warmup steps.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialization and data order.", DefaultValueFactory = _ => 1UL };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 200 };
        var threads = new Option<int>("--threads") { Description = "Kernel threads (0: all cores)." };
        var bf16 = new Option<bool>("--export-bf16") { Description = "Export bf16 weights instead of f32." };
        var benchmark = new Option<int>("--benchmark") { Description = "Measure throughput on synthetic sequences of this length instead of training." };

        var command = new Command("train", "Train a Llama model on prompt/completion JSONL and export it in Hugging Face layout.");
        foreach (Option o in new Option[] { data, tokenizer, config, output, resume, initFrom, steps, batchTokens, microTokens, lr, warmup, seed, every, threads, bf16, benchmark })
            command.Options.Add(o);

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await RunAsync(parse, cancellationToken);
            }
            catch (Reasoning.Engine.Errors.ReasoningException e)
            {
                // System.CommandLine reports exceptions from actions itself; keep the CLI's one-line error contract.
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;

        async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            string? resumeFrom = parse.GetValue(resume), initDir = parse.GetValue(initFrom);
            if (resumeFrom is not null && initDir is not null)
                throw new TrainingException("--resume and --init-from exclude each other: --resume continues a checkpoint, --init-from starts a new run from a model's weights.");
            string? configPath = parse.GetValue(config);
            // --resume takes a checkpoint folder or a previous --out (which holds one in checkpoint/).
            string? checkpointDir = resumeFrom is null ? null
                : Training.Io.Checkpoint.Exists(Path.Combine(resumeFrom, "checkpoint")) ? Path.Combine(resumeFrom, "checkpoint") : resumeFrom;
            var shape = configPath is not null ? ModelConfig.Load(configPath)
                : initDir is not null ? ModelConfig.Load(Path.Combine(initDir, "config.json"))
                : checkpointDir is not null ? ModelConfig.Load(Path.Combine(checkpointDir, "config.json"))
                : throw new TrainingException("--config is required (a model shape as config.json), unless --resume or --init-from names one.");
            var options = new TrainingOptions
            {
                Steps = parse.GetValue(steps),
                BatchTokens = parse.GetValue(batchTokens),
                MicroBatchTokens = parse.GetValue(microTokens),
                LearningRate = parse.GetValue(lr),
                WarmupSteps = parse.GetValue(warmup),
                Seed = parse.GetValue(seed),
                Threads = CountdownLimits.Threads(parse.GetValue(threads)),
            };
            int benchLength = parse.GetValue(benchmark);
            double peakGflops = Math.Round(MeasurePeak(options.Threads));
            if (benchLength > 0)
            {
                var r = TrainingBenchmark.Measure(shape, benchLength, options.BatchTokens, options.MicroBatchTokens, threads: options.Threads);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Parameters:N0} parameters, sequences of {benchLength}, {options.BatchTokens} tokens/step: {r.TokensPerSecond:N0} tokens/s, {r.Gflops:0.0} GFLOP/s ({100 * r.Gflops / peakGflops:0}% of {peakGflops} GFLOP/s measured), {r.SecondsPerStep:0.00} s/step"));
                return 0;
            }
            string dataPath = Require(parse.GetValue(data), "--data");
            string tokenizerArg = Require(parse.GetValue(tokenizer), "--tokenizer");
            string outDir = Require(parse.GetValue(output), "--out");
            var encoder = loadEncoder(tokenizerArg);
            if (encoder.VocabSize > shape.VocabSize)
                throw new TrainingException($"the tokenizer has {encoder.VocabSize} ids but the config's vocab_size is {shape.VocabSize}; raise vocab_size.");
            var loaded = JsonlDataset.Load(dataPath, encoder, shape.MaxPositionEmbeddings + 1);
            Console.Error.WriteLine($"{loaded.Examples.Count:N0} examples, {loaded.Examples.Sum(e => (long)e.InputLength):N0} tokens" +
                (loaded.TooLong > 0 ? $" ({loaded.TooLong:N0} longer than the context dropped)" : ""));

            Trainer trainer;
            if (checkpointDir is not null)
            {
                trainer = Trainer.Resume(checkpointDir, loaded.Examples, options);
                Console.Error.WriteLine($"resumed at step {trainer.State.Step}");
            }
            else if (initDir is not null)
            {
                trainer = Trainer.FromModel(initDir, loaded.Examples, options);
                if (configPath is not null && !SameShape(trainer.Layout.Config, shape))
                    throw new TrainingException($"--config {configPath} does not describe the model in --init-from {initDir}; drop --config to use the model's own.");
                Console.Error.WriteLine($"initialized from {initDir}");
            }
            else
                trainer = Trainer.Create(shape, loaded.Examples, options);
            Console.Error.WriteLine($"{trainer.Layout.Count:N0} parameters");

            var settings = new RunSettings(outDir, encoder.EosId, TokenizerJson(tokenizerArg), parse.GetValue(every),
                parse.GetValue(bf16) ? TensorDType.BF16 : TensorDType.F32);
            var started = DateTime.UtcNow;
            long firstStep = trainer.State.Step;
            var progress = new LineProgress(r =>
            {
                double average = (DateTime.UtcNow - started).TotalSeconds / Math.Max(1, r.Step - firstStep);
                string line = TrainingRun.FormatProgress(r, average, peakGflops);
                if (!Console.IsErrorRedirected)
                    Console.Error.Write("\r" + line + "   ");
                else if (r.Step % Math.Max(1, r.TotalSteps / 100) == 0 || r.Step == r.TotalSteps)
                    Console.Error.WriteLine(line);   // a log file gets about a hundred whole lines, not one endless one
            });
            var summary = await TrainingRun.RunAsync(trainer, settings, progress, cancellationToken);
            Console.Error.WriteLine();
            Console.WriteLine(summary.Completed
                ? $"done: {summary.Steps} steps, final loss {summary.FinalLoss:0.0000}; model in {summary.ModelDirectory}"
                : $"stopped at step {summary.Steps}; checkpoint in {Path.Combine(outDir, "checkpoint")} (resume with --resume {outDir})");
            return 0;
        }
    }

    private static readonly int[] NoIds = [];

    private static bool SameShape(ModelConfig a, ModelConfig b) =>
        a with { EosTokenIds = NoIds, BosTokenId = null } == b with { EosTokenIds = NoIds, BosTokenId = null };

    private static string Require(string? value, string name) =>
        value ?? throw new TrainingException($"{name} is required (only --config is needed with --benchmark).");

    private static ITextEncoder BytesOnly(string tokenizer) => tokenizer == "bytes"
        ? new ByteTextEncoder()
        : throw new TrainingException($"--tokenizer {tokenizer}: this build of reason has no tokenizer adapter for the trainer; pass --tokenizer bytes for a byte-level vocabulary.");

    private static string? TokenizerJson(string tokenizer)
    {
        if (File.Exists(tokenizer) && tokenizer.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return tokenizer;
        string inFolder = Path.Combine(tokenizer, "tokenizer.json");
        return File.Exists(inFolder) ? inFolder : null;
    }

    // Reports on the training thread itself, so lines never interleave.
    private sealed class LineProgress(Action<StepReport> onReport) : IProgress<StepReport>
    {
        public void Report(StepReport value) => onReport(value);
    }
}
