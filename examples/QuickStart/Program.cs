using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;

string modelDir = args.Length > 0 ? args[0] : "models/countdown-sos";   // any Llama/Qwen2/Qwen3 folder
using var model = TransformerModel.Load(modelDir);                       // config.json + model.safetensors
var tokenizer = Tokenizer.Load(modelDir);                                // tokenizer.json (+ tokenizer_config.json)
using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 256L << 20 });

var promptIds = tokenizer.Encode("Current State: 36:[11, 3, 94, 50], Operations: []\n");
using var parent = engine.CreateSequence(promptIds);
await parent.PrefillAsync();                                             // the prompt is computed once
var children = Enumerable.Range(0, 4).Select(_ => parent.Fork()).ToList();   // they share its KV pages
var results = await Task.WhenAll(children.Select((child, i) => child.GenerateToEndAsync([],
    new SamplingOptions { Temperature = 0.8f, Seed = (ulong)i, MaxTokens = 40, StopTokenIds = tokenizer.EosTokenIds })));
foreach (var result in results)
    Console.WriteLine(tokenizer.Decode(result.Tokens.Select(t => t.Id), skipSpecialTokens: true).Split('\n')[0]);
children.ForEach(child => child.Dispose());
