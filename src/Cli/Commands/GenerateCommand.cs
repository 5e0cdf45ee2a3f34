using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason generate</c>: text from a model folder, streamed, or one JSON object with tokens and logprobs.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder (config.json, model.safetensors, tokenizer.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The prompt text.", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens to generate.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<float>("--temperature") { Description = "0 is greedy.", DefaultValueFactory = _ => 0f };
        var topK = new Option<int>("--top-k") { Description = "Keep the K most likely tokens (0: off)." };
        var topP = new Option<float>("--top-p") { Description = "Nucleus sampling mass (1: off).", DefaultValueFactory = _ => 1f };
        var minP = new Option<float>("--min-p") { Description = "Drop tokens below min-p × the top probability (0: off)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the random stream.", DefaultValueFactory = _ => 0UL };
        var topLogprobs = new Option<int>("--top-logprobs") { Description = "Alternatives reported per token in --json." };
        var stop = new Option<string[]>("--stop") { Description = "Stop string (repeatable).", AllowMultipleArgumentsPerToken = false };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Do not stop at end-of-sequence tokens." };
        var n = new Option<int>("--n") { Description = "Continuations of the one prompt (the prefix KV is shared).", DefaultValueFactory = _ => 1 };
        var kvMemory = KvOptions.Memory("512MiB");
        var kvDType = KvOptions.DType();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var cmd = new Command("generate", "Generate text with a model.");
        foreach (var o in new Option[] { model, prompt, maxTokens, temperature, topK, topP, minP, seed, topLogprobs, stop, ignoreEos, n, kvMemory, kvDType, json })
            cmd.Options.Add(o);
        cmd.SetAction((p, ct) => RunAsync(p, ct, new Options(model, prompt, maxTokens, temperature, topK, topP, minP, seed, topLogprobs, stop, ignoreEos, n, kvMemory, kvDType, json)));
        return cmd;
    }

    private sealed record Options(Option<string> Model, Option<string> Prompt, Option<int> MaxTokens, Option<float> Temperature, Option<int> TopK,
        Option<float> TopP, Option<float> MinP, Option<ulong> Seed, Option<int> TopLogprobs, Option<string[]> Stop, Option<bool> IgnoreEos,
        Option<int> N, Option<string> KvMemory, Option<string> KvDType, Option<bool> Json);

    private static async Task<int> RunAsync(ParseResult p, CancellationToken ct, Options o)
    {
        string dir = p.GetValue(o.Model)!;
        using var model = TransformerModel.Load(dir);
        var tokenizer = Tokenizer.Load(dir);
        int count = p.GetValue(o.N);
        if (count < 1 || count > 1024)
            throw new Engine.Errors.InvalidRequestException($"--n {count} is invalid; use 1 to 1024.");
        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = ByteSize.Parse(p.GetValue(o.KvMemory)!), KvDType = KvOptions.Parse(p.GetValue(o.KvDType)!) });
        var sampling = new SamplingOptions
        {
            MaxTokens = p.GetValue(o.MaxTokens), Temperature = p.GetValue(o.Temperature), TopK = p.GetValue(o.TopK), TopP = p.GetValue(o.TopP),
            MinP = p.GetValue(o.MinP), Seed = p.GetValue(o.Seed), TopLogprobs = p.GetValue(o.TopLogprobs),
            StopTokenIds = model.Config.EosTokenIds,
        };
        var options = new TextGenerationOptions { Sampling = p.GetValue(o.IgnoreEos) ? sampling with { StopTokenIds = [] } : sampling, StopStrings = p.GetValue(o.Stop) ?? [], IgnoreEos = p.GetValue(o.IgnoreEos) };
        var promptIds = tokenizer.Encode(p.GetValue(o.Prompt)!);
        bool asJson = p.GetValue(o.Json);

        if (count == 1 && !asJson)
        {
            using var seq = engine.CreateSequence();
            await foreach (var t in TextGeneration.StreamAsync(seq, tokenizer, promptIds, options, ct))
                Console.Write(t.Text);
            Console.WriteLine();
            return 0;
        }

        using var parent = engine.CreateSequence(promptIds);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        await parent.PrefillAsync(ct);
        double prefillMs = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var children = Enumerable.Range(0, count).Select(_ => parent.Fork()).ToList();
        try
        {
            Task<TextGenerationResult>[] running;
            // Each child is disposed as soon as it finishes: its pages then serve the children still waiting for room
            // (with many children and little KV memory they could otherwise never start).
            async Task<TextGenerationResult> RunChild(EngineSequence child, int i)
            {
                using (child)
                    return await TextGeneration.CollectAsync(child, tokenizer, promptIds, [], options with { Sampling = options.Sampling with { Seed = options.Sampling.Seed + (ulong)i } }, ct);
            }
            using (engine.HoldSubmissions())
                running = [.. children.Select(RunChild)];
            var results = await Task.WhenAll(running);
            if (!asJson)
            {
                for (int i = 0; i < results.Length; i++)
                    Console.WriteLine($"--- {i} ({FinishName(results[i].Finish)})\n{results[i].Text}");
                return 0;
            }
            Console.WriteLine(ToJson(promptIds, results, prefillMs, count).ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }
    }

    private static JsonObject ToJson(IReadOnlyList<int> promptIds, TextGenerationResult[] results, double prefillMs, int count)
    {
        JsonArray Tokens(TextGenerationResult r) => new(r.Tokens.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Token.Id,
            ["text"] = t.TokenText,
            ["logprob"] = t.Token.Logprob,
            ["top_logprobs"] = new JsonArray(t.Token.TopLogprobs.Select(a => (JsonNode)new JsonObject { ["id"] = a.Id, ["logprob"] = a.Logprob }).ToArray()),
        }).ToArray());
        var root = new JsonObject { ["prompt_ids"] = new JsonArray(promptIds.Select(i => (JsonNode)i).ToArray()) };
        if (count == 1)
        {
            var r = results[0];
            root["tokens"] = Tokens(r);
            root["text"] = r.Text;
            root["finish_reason"] = FinishName(r.Finish);
        }
        else
        {
            root["choices"] = new JsonArray(results.Select((r, i) => (JsonNode)new JsonObject
            {
                ["index"] = i, ["tokens"] = Tokens(r), ["text"] = r.Text, ["finish_reason"] = FinishName(r.Finish),
            }).ToArray());
        }
        root["usage"] = new JsonObject { ["prompt_tokens"] = promptIds.Count, ["completion_tokens"] = results.Sum(r => r.Tokens.Count) };
        root["timings"] = new JsonObject { ["prefill_ms"] = prefillMs, ["decode_ms"] = results.Max(r => r.PrefillMilliseconds + r.DecodeMilliseconds) };
        return root;
    }

    private static string FinishName(FinishReason f) => f == FinishReason.Stop ? "stop" : "length";
}
