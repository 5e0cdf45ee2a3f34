using System.Collections.Concurrent;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.TestSupport;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>An engine on a tiny fixture model (random weights, a real byte-level tokenizer with a ChatML template).</summary>
public sealed class TinyChatEngine : IDisposable
{
    private static readonly ConcurrentDictionary<string, Lazy<TransformerModel>> Models = new();

    /// <summary>tiny-qwen2 answers greedily with newlines only; tiny-llama writes varied (meaningless) text.</summary>
    public TinyChatEngine(string fixture = "tiny-qwen2")
    {
        Tokenizer = Tokenizer.Load(RepoPaths.FixtureModel(fixture));
        var model = Models.GetOrAdd(fixture, f => new Lazy<TransformerModel>(() => TransformerModel.Load(RepoPaths.FixtureModel(f)))).Value;
        Engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8, Threads = 1 });
    }

    public Tokenizer Tokenizer { get; }
    public InferenceEngine Engine { get; }

    public void Dispose() => Engine.Dispose();
}
