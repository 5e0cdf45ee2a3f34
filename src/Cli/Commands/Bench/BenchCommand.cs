using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;

namespace Reasoning.Cli.Commands.Bench;

/// <summary><c>reason bench decode|prefill|batch|fork|fork-wait</c>: engine throughput on a model or a random model of a named shape.</summary>
internal static partial class BenchCommand
{
    private sealed record Common(Option<string?> Model, Option<string?> Shape, Option<int> Runs, Option<bool> Json, Option<int> Threads, Option<string> KvDType, Option<int> PageSize);

    public static Command Create()
    {
        var bench = new Command("bench", "Measure engine throughput (median of several runs).");
        bench.Subcommands.Add(Decode());
        bench.Subcommands.Add(Prefill());
        bench.Subcommands.Add(Batch());
        bench.Subcommands.Add(Fork());
        bench.Subcommands.Add(ForkWait());
        bench.Subcommands.Add(Ceilings());
        bench.Subcommands.Add(Kernels());
        return bench;
    }

    private static Command Kernels()
    {
        var cmd = new Command("kernels", "GFLOP/s and GB/s of the bf16 matrix kernels on Qwen2.5-0.5B-shaped layer projections.");
        var rows = new Option<string>("--rows") { DefaultValueFactory = _ => "1,4,16", Description = "Comma-separated activation rows per multiply." };
        var threads = new Option<int>("--threads") { Description = "Team threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        cmd.Options.Add(rows);
        cmd.Options.Add(threads);
        cmd.Options.Add(json);
        cmd.SetAction(p =>
        {
            int t = CountdownLimits.Threads(p.GetValue(threads));
            if (t == 0)
                t = Environment.ProcessorCount;
            var results = Sizes(p.GetValue(rows)!, "--rows", "row count").Select(r =>
            {
                var m = Engine.Diagnostics.KernelBenchmarks.Measure(r, t);
                return new Dictionary<string, object>
                {
                    ["rows"] = r, ["layer_ms"] = m.LayerMilliseconds, ["gb_per_s"] = m.GigabytesPerSecond, ["gflops"] = m.GigaflopsPerSecond,
                    ["lm_head_ms"] = m.LmHeadMilliseconds, ["step_ms"] = m.StepMilliseconds,
                };
            }).ToList();
            Print(new Dictionary<string, object> { ["threads"] = t, ["kernels"] = KernelFamily, ["results"] = results }, p.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static Command Ceilings()
    {
        var cmd = new Command("ceilings", "This machine's DRAM read bandwidth and f32 FMA throughput, the bounds of decode and prefill.");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        cmd.Options.Add(json);
        cmd.SetAction(p =>
        {
            int cores = Environment.ProcessorCount;
            var result = new Dictionary<string, object>
            {
                ["vector512_hardware"] = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
                ["read_gb_per_s_1_thread"] = Engine.Diagnostics.MachineCeilings.ReadBandwidth(1),
                [$"read_gb_per_s_{cores}_threads"] = Engine.Diagnostics.MachineCeilings.ReadBandwidth(cores),
                ["fma_gflops_1_thread"] = Engine.Diagnostics.MachineCeilings.FmaThroughput(1),
                [$"fma_gflops_{cores}_threads"] = Engine.Diagnostics.MachineCeilings.FmaThroughput(cores),
                ["threads"] = cores,
            };
            Print(result, p.GetValue(json));
            return 0;
        });
        return cmd;
    }

    private static Common AddCommon(Command command)
    {
        var common = new Common(
            new Option<string?>("--model") { Description = "Hugging Face model folder." },
            new Option<string?>("--shape") { Description = "Random-weight bf16 model of a named shape (e.g. qwen2.5-0.5b), written to a temp folder once." },
            new Option<int>("--runs") { Description = "Repetitions; the median is reported.", DefaultValueFactory = _ => 3 },
            new Option<bool>("--json") { Description = "Print one JSON object." },
            new Option<int>("--threads") { Description = "Compute threads (0: one per core).", DefaultValueFactory = _ => 0 },
            KvOptions.DType(),
            new Option<int>("--page-size") { Description = "Tokens per KV page (the engine's default: 128).", DefaultValueFactory = _ => new EngineOptions().PageSize });
        command.Options.Add(common.Model);
        command.Options.Add(common.Shape);
        command.Options.Add(common.Runs);
        command.Options.Add(common.Json);
        command.Options.Add(common.Threads);
        command.Options.Add(common.KvDType);
        command.Options.Add(common.PageSize);
        return common;
    }

    private static Command Decode()
    {
        var cmd = new Command("decode", "Batch-1 decode tokens/s after a prompt.");
        var c = AddCommon(cmd);
        var prompt = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 16, Description = "Prompt length." };
        var tokens = new Option<int>("--tokens") { DefaultValueFactory = _ => 64, Description = "Tokens to generate per run." };
        cmd.Options.Add(prompt);
        cmd.Options.Add(tokens);
        cmd.SetAction(p => Run(p, c, (engine, runs) =>
        {
            var rates = new List<double>();
            for (int r = 0; r < runs + 1; r++)
            {
                using var seq = engine.CreateSequence(PromptTokens(p.GetValue(prompt), engine.Model.Config.VocabSize, r));
                var result = seq.GenerateToEndAsync([], new SamplingOptions { MaxTokens = p.GetValue(tokens) }).GetAwaiter().GetResult();
                if (r > 0)   // the first run warms up the JIT and the caches
                    rates.Add((result.Tokens.Count - 1) / (result.DecodeMilliseconds / 1000));
            }
            return new Dictionary<string, object> { ["prompt_tokens"] = p.GetValue(prompt), ["tokens"] = p.GetValue(tokens), ["decode_tokens_per_s"] = BenchStats.Median(rates), ["runs"] = rates };
        }));
        return cmd;
    }

    private static Command Prefill()
    {
        var cmd = new Command("prefill", "Prompt processing tokens/s.");
        var c = AddCommon(cmd);
        var prompt = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 512, Description = "Prompt length." };
        cmd.Options.Add(prompt);
        cmd.SetAction(p => Run(p, c, (engine, runs) =>
        {
            var rates = new List<double>();
            int n = p.GetValue(prompt);
            for (int r = 0; r < runs + 1; r++)
            {
                using var seq = engine.CreateSequence(PromptTokens(n, engine.Model.Config.VocabSize, r));
                long start = Stopwatch.GetTimestamp();
                seq.PrefillAsync().GetAwaiter().GetResult();
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (r > 0)
                    rates.Add(n / seconds);
            }
            return new Dictionary<string, object> { ["prompt_tokens"] = n, ["prefill_tokens_per_s"] = BenchStats.Median(rates), ["runs"] = rates };
        }, prefillChunk: p.GetValue(prompt)));
        return cmd;
    }

    private static Command Batch()
    {
        var cmd = new Command("batch", "Decode tokens/s summed over N sequences sharing a prompt (as llama.cpp's batched-bench).");
        var c = AddCommon(cmd);
        var batch = new Option<string>("--batch") { DefaultValueFactory = _ => "1,4,16", Description = "Comma-separated batch sizes (1 to 1024); with 1 among them, each result also gives its rate and step time against batch 1." };
        var prompt = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 128, Description = "Shared prompt length." };
        var tokens = new Option<int>("--tokens") { DefaultValueFactory = _ => 32, Description = "Tokens generated per sequence." };
        cmd.Options.Add(batch);
        cmd.Options.Add(prompt);
        cmd.Options.Add(tokens);
        cmd.SetAction(p =>
        {
            var sizes = BatchSizes(p.GetValue(batch)!);   // refused before a --shape model is written
            return Run(p, c, (engine, runs) => MeasureBatches(engine, runs, sizes, p.GetValue(prompt), p.GetValue(tokens)));
        });
        return cmd;
    }

    /// <summary>
    /// Decode rates of each batch size: N children forked from one prompt, all generating at once. The sizes take turns,
    /// one run each a round (after one warm-up round), so a machine that speeds up or slows down over the minutes moves
    /// every size alike and the ratios between them stay fair.
    /// </summary>
    private static Dictionary<string, object> MeasureBatches(InferenceEngine engine, int runs, IReadOnlyList<int> sizes, int promptTokens, int tokensEach)
    {
        var rates = sizes.Select(_ => new List<double>()).ToList();
        for (int r = 0; r < runs + 1; r++)
            for (int i = 0; i < sizes.Count; i++)
            {
                double rate = MeasureBatch(engine, sizes[i], PromptTokens(promptTokens, engine.Model.Config.VocabSize, r), tokensEach);
                if (r > 0)
                    rates[i].Add(rate);
            }
        var results = new List<Dictionary<string, object>>();
        for (int i = 0; i < sizes.Count; i++)
        {
            double rate = BenchStats.Median(rates[i]);
            results.Add(new Dictionary<string, object>
            {
                ["batch"] = sizes[i], ["tokens_per_s"] = rate,
                // Every sequence advances one token a step, so a step takes batch / rate seconds.
                ["step_ms"] = Math.Round(1000.0 * sizes[i] / rate, 3),
                ["runs"] = rates[i],
            });
        }
        // Against batch 1 wherever it stands in the list: #3 asks ≥ 5× the rate at 16 and about the same step at 4.
        if (results.Find(e => (int)e["batch"] == 1) is { } single)
            foreach (var entry in results)
            {
                double ratio = (double)entry["tokens_per_s"] / (double)single["tokens_per_s"];
                entry["vs_batch_1"] = Math.Round(ratio, 3);
                entry["step_vs_batch_1"] = Math.Round((int)entry["batch"] / ratio, 3);
            }
        return new Dictionary<string, object> { ["prompt_tokens"] = promptTokens, ["tokens"] = tokensEach, ["results"] = results };
    }

    /// <summary>One run: <paramref name="size"/> children of one prefilled prompt generate together; summed tokens/s.</summary>
    private static double MeasureBatch(InferenceEngine engine, int size, int[] prompt, int tokensEach)
    {
        using var parent = engine.CreateSequence(prompt);
        parent.PrefillAsync().GetAwaiter().GetResult();
        var children = Enumerable.Range(0, size).Select(_ => parent.Fork()).ToList();
        long start = Stopwatch.GetTimestamp();
        Task<GenerationResult>[] all;
        using (engine.HoldSubmissions())
            all = [.. children.Select((s, i) => s.GenerateToEndAsync([], new SamplingOptions { MaxTokens = tokensEach, Temperature = 1, Seed = (ulong)i }))];
        Task.WaitAll(all);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        children.ForEach(ch => ch.Dispose());
        return all.Sum(t => t.Result.Tokens.Count) / seconds;
    }

    /// <summary>Parses <c>--batch 1,4,16</c>: positive sizes up to 1,024, or a clear error.</summary>
    internal static IReadOnlyList<int> BatchSizes(string text) => Sizes(text, "--batch", "batch size");

    /// <summary>Parses a comma-separated list of sizes from 1 to 1,024 (<c>--batch</c>, <c>--rows</c>), or a clear error.</summary>
    internal static IReadOnlyList<int> Sizes(string text, string option, string what)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int size) || size < 1 || size > 1024)
                throw new Engine.Errors.InvalidRequestException($"{option} '{text}': '{part}' is not a {what}; give sizes from 1 to 1024 separated by commas, e.g. 1,4,16.");
            sizes.Add(size);
        }
        if (sizes.Count == 0)
            throw new Engine.Errors.InvalidRequestException($"{option} is empty; give sizes separated by commas, e.g. 1,4,16.");
        return sizes;
    }

    private static Command Fork()
    {
        var cmd = new Command("fork", "KV bytes and time to fork children from a long prompt.");
        var c = AddCommon(cmd);
        var children = new Option<int>("--children") { DefaultValueFactory = _ => 16, Description = "Children to fork." };
        var prompt = new Option<int>("--prompt-tokens") { DefaultValueFactory = _ => 2000, Description = "Prompt length." };
        cmd.Options.Add(children);
        cmd.Options.Add(prompt);
        cmd.SetAction(p => Run(p, c, (engine, runs) =>
        {
            using var parent = engine.CreateSequence(PromptTokens(p.GetValue(prompt), engine.Model.Config.VocabSize, 0));
            parent.PrefillAsync().GetAwaiter().GetResult();
            int freeBefore = engine.Pool.FreeCount;
            var times = new List<double>();
            long pagesAllocated = 0;
            for (int r = 0; r < runs; r++)
            {
                long start = Stopwatch.GetTimestamp();
                var forks = Enumerable.Range(0, p.GetValue(children)).Select(_ => parent.Fork()).ToList();
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                pagesAllocated = freeBefore - engine.Pool.FreeCount;
                forks.ForEach(f => f.Dispose());
            }
            long prefixBytes = parent.Length * engine.Pool.BytesPerToken;
            return new Dictionary<string, object>
            {
                ["prompt_tokens"] = p.GetValue(prompt), ["children"] = p.GetValue(children),
                ["prefix_kv_bytes"] = prefixBytes, ["kv_bytes_allocated_by_fork"] = pagesAllocated * engine.Pool.PageSize * engine.Pool.BytesPerToken,
                ["kv_bytes_if_copied"] = prefixBytes * p.GetValue(children), ["fork_microseconds"] = BenchStats.Median(times),
            };
        }));
        return cmd;
    }

    private static int PageSize(int tokens) => tokens is >= 1 and <= 4096
        ? tokens
        : throw new Engine.Errors.InvalidRequestException($"--page-size {tokens} is invalid; use 1 to 4096 tokens per KV page.");

    private static int Run(ParseResult p, Common c, Func<InferenceEngine, int, Dictionary<string, object>> body, int prefillChunk = 512)
    {
        string dir = BenchModel.Resolve(p.GetValue(c.Model), p.GetValue(c.Shape), Console.Error);
        long loadStart = Stopwatch.GetTimestamp();
        using var model = TransformerModel.Load(dir);
        double loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        using var engine = new InferenceEngine(model, new EngineOptions
        {
            KvMemoryBytes = 2L << 30, PrefillChunk = prefillChunk, MaxStepTokens = Math.Max(512, prefillChunk), Threads = CountdownLimits.Threads(p.GetValue(c.Threads)),
            KvDType = KvOptions.Parse(p.GetValue(c.KvDType)!),
            PageSize = PageSize(p.GetValue(c.PageSize)),
        });
        var result = body(engine, Math.Max(1, p.GetValue(c.Runs)));
        result["model"] = dir;
        result["weight_bytes"] = model.WeightBytes;
        result["load_ms"] = loadMs;
        result["threads"] = p.GetValue(c.Threads) > 0 ? p.GetValue(c.Threads) : Environment.ProcessorCount;
        result["kv_dtype"] = engine.Options.KvDType == Engine.Kv.KvDType.F32 ? "f32" : "bf16";
        result["page_size"] = engine.Pool.PageSize;
        result["kernels"] = KernelFamily;
        Print(result, p.GetValue(c.Json));
        return 0;
    }

    /// <summary>Which matrix kernels ran: the Vector512 tiles (AVX-512) or the Vector256 ones (a figure depends on it).</summary>
    private static string KernelFamily => System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "vector512" : "vector256";

    private static void Print(Dictionary<string, object> result, bool json)
    {
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(result));
        else
            foreach (var (key, value) in result)
                Console.WriteLine($"{key,-28} {Format(value)}");
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString("0.##"),
        IEnumerable<double> list => string.Join(", ", list.Select(v => v.ToString("0.##"))),
        IEnumerable<Dictionary<string, object>> rows => string.Join("; ", rows.Select(r => string.Join(" ", r.Select(kv => $"{kv.Key}={Format(kv.Value)}")))),
        _ => value.ToString() ?? "",
    };

    private static int[] PromptTokens(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(Math.Min(vocab, 30000))).ToArray();
    }
}
