using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using Reasoning.TestSupport;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>An engine on a tiny fixture model (random weights, a real byte-level tokenizer with a ChatML template).</summary>
public sealed class TinyChatEngine : IDisposable
{
    private static readonly Lazy<TransformerModel> Qwen2 = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-qwen2")));

    public TinyChatEngine()
    {
        Tokenizer = Tokenizer.Load(RepoPaths.FixtureModel("tiny-qwen2"));
        Engine = new InferenceEngine(Qwen2.Value, new EngineOptions { KvMemoryBytes = 8 << 20, PageSize = 8, Threads = 1 });
    }

    public Tokenizer Tokenizer { get; }
    public InferenceEngine Engine { get; }

    public void Dispose() => Engine.Dispose();
}
