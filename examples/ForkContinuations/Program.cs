// Forks one prompt into N continuations that share the prompt's KV pages and decode in one batch.
// Usage: dotnet run --project examples/ForkContinuations -- [model folder] [prompt] [n]
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;

// By default the shipped SoS+ Countdown model, from a problem's first line: each continuation explores its own first
// operation (the model still slips on arithmetic). Any Hugging Face model folder and prompt work the same way.
string modelDir = args.Length > 0 ? args[0] : Path.Combine("models", "countdown-sos");
string prompt = args.Length > 1 ? args[1] : "Current State: 36:[11, 3, 94, 50], Operations: []";
int n = args.Length > 2 ? int.Parse(args[2]) : 4;

using var model = TransformerModel.Load(modelDir);
var tokenizer = Tokenizer.Load(modelDir);
using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 256L << 20 });

// 1. Compute the prompt once.
var promptIds = tokenizer.Encode(prompt);
using var parent = engine.CreateSequence(promptIds);
await parent.PrefillAsync();
int freeBefore = engine.Pool.FreeCount;

// 2. Fork: each child's view shares the prompt's pages; nothing is copied.
var children = Enumerable.Range(0, n).Select(_ => parent.Fork()).ToList();
Console.WriteLine($"{n} forks of a {promptIds.Count}-token prompt allocated {freeBefore - engine.Pool.FreeCount} KV pages");

// 3. Generate all continuations at once: the engine batches them into shared forward steps. The hold makes the
//    submissions enter the loop together, so the children decode in lockstep (one step per token for all of them).
var options = new TextGenerationOptions { Sampling = new SamplingOptions { Temperature = 0.8f, MaxTokens = 24 } };
Task<TextGenerationResult>[] running;
using (engine.HoldSubmissions())
    running = children.Select((child, i) =>
        TextGeneration.CollectAsync(child, tokenizer, promptIds, [], options with { Sampling = options.Sampling with { Seed = (ulong)i } })).ToArray();
var results = await Task.WhenAll(running);

for (int i = 0; i < n; i++)
    Console.WriteLine($"[{i}] {prompt}{results[i].Text}");
Console.WriteLine($"{engine.Steps} engine steps for {results.Sum(r => r.Tokens.Count)} generated tokens");
children.ForEach(c => c.Dispose());
