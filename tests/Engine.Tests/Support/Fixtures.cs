using Reasoning.Engine.Models;

namespace Reasoning.Engine.Tests.Support;

/// <summary>Fixture models loaded once per test run (they are read-only).</summary>
public static class Fixtures
{
    private static readonly Dictionary<string, Lazy<TransformerModel>> Models = new()
    {
        ["tiny-llama"] = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-llama"))),
        ["tiny-qwen2"] = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-qwen2"))),
        ["tiny-qwen3"] = new(() => TransformerModel.Load(RepoPaths.FixtureModel("tiny-qwen3"))),
    };

    public static TransformerModel Model(string name) => Models[name].Value;

    /// <summary>Deterministic pseudo-random token ids in [0, vocab).</summary>
    public static int[] RandomTokens(int seed, int count, int vocab = 297)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }
}
