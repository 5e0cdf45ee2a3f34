using FluentAssertions;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Generation;

/// <summary><see cref="EngineSequence.ReadOutputsAsync"/> against the fixtures' float64 reference logits.</summary>
public sealed class ReadOutputsTests
{
    private static readonly EngineOptions Small = new() { KvMemoryBytes = 8 << 20, PageSize = 16, PrefillChunk = 3 };

    [Theory(Timeout = 60_000)]
    [InlineData("tiny-llama")]
    [InlineData("tiny-qwen2")]
    [InlineData("tiny-qwen3")]
    public async Task Outputs_at_chosen_positions_match_the_reference_logits_after_a_computed_context(string fixture)
    {
        var reference = ReferenceFile.Load(RepoPaths.FixtureModel(fixture));
        using var engine = new InferenceEngine(Fixtures.Model(fixture), Small);
        var prompts = reference.Prompts.Where(p => p.Ids.Length >= 5).ToList();
        prompts.Should().NotBeEmpty();
        int[] ids = [0, 7, 42, 296];
        foreach (var prompt in prompts)
        {
            // A context fed first, then the rest appended and read: positions index the appended tokens.
            int k = 2;
            using var sequence = engine.CreateSequence(prompt.Ids[..k]);
            await sequence.PrefillAsync();
            var rest = prompt.Ids[k..];
            int[] positions = [0, rest.Length / 2, rest.Length - 1];
            positions = [.. positions.Distinct()];
            var reads = await sequence.ReadOutputsAsync(rest, positions, ids);
            reads.Should().HaveCount(positions.Length);
            for (int i = 0; i < positions.Length; i++)
                for (int j = 0; j < ids.Length; j++)
                    reads[i][j].Should().BeApproximately((float)prompt.Logits[k + positions[i]][ids[j]], 1e-4f, $"prompt {prompt.Text}, position {positions[i]}, id {ids[j]}");
            sequence.Tokens.Should().Equal(prompt.Ids, "the read tokens stay appended");
        }
        engine.Pool.FreeCount.Should().Be(engine.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Reads_are_the_same_alone_and_in_a_batch_with_other_reads()
    {
        var reference = ReferenceFile.Load(RepoPaths.FixtureModel("tiny-llama"));
        using var engine = new InferenceEngine(Fixtures.Model("tiny-llama"), Small);
        var prompt = reference.Prompts.First(p => p.Ids.Length >= 5);
        int[] positions = [1, prompt.Ids.Length - 1];
        float[][] alone;
        using (var s = engine.CreateSequence())
            alone = [.. await s.ReadOutputsAsync(prompt.Ids, positions, [3, 5])];
        var sequences = Enumerable.Range(0, 4).Select(_ => engine.CreateSequence()).ToList();
        Task<IReadOnlyList<float[]>>[] reading;
        using (engine.HoldSubmissions())
            reading = [.. sequences.Select((s, i) => s.ReadOutputsAsync(i == 2 ? prompt.Ids : Fixtures.RandomTokens(i, 9), i == 2 ? positions : [0, 8], [3, 5]))];
        var together = await Task.WhenAll(reading);
        for (int i = 0; i < alone.Length; i++)
            together[2][i].Should().Equal(alone[i]);
        foreach (var s in sequences)
            s.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task Reads_recomputed_after_a_preemption_are_the_same()
    {
        var model = Fixtures.Model("tiny-llama");
        var inputs = Enumerable.Range(0, 6).Select(i => Fixtures.RandomTokens(10 + i, 40)).ToList();
        int[] positions = [5, 20, 39];
        var alone = new List<IReadOnlyList<float[]>>();
        using (var roomy = new InferenceEngine(model, Small))
            foreach (var input in inputs)
            {
                using var s = roomy.CreateSequence();
                alone.Add(await s.ReadOutputsAsync(input, positions, [1, 2, 3]));
            }
        // Eight pages of 16 tokens for six sequences of three pages each: the engine must preempt and recompute.
        long pageBytes = 16L * model.Config.NumLayers * 2 * model.Config.KvWidth * sizeof(float);
        using var tight = new InferenceEngine(model, Small with { KvMemoryBytes = 8 * pageBytes, PrefillChunk = 8, MaxStepTokens = 48 });
        var sequences = inputs.Select(_ => tight.CreateSequence()).ToList();
        Task<IReadOnlyList<float[]>>[] reading;
        // Each sequence is released once read (a finished sequence keeps its pages, and preemption cannot take them).
        async Task<IReadOnlyList<float[]>> ReadAndRelease(EngineSequence s, int[] input)
        {
            using (s)
                return await s.ReadOutputsAsync(input, positions, [1, 2, 3]);
        }
        using (tight.HoldSubmissions())
            reading = [.. sequences.Select((s, i) => ReadAndRelease(s, inputs[i]))];
        var together = await Task.WhenAll(reading);
        tight.Preemptions.Should().BeGreaterThan(0);
        for (int i = 0; i < inputs.Count; i++)
            for (int k = 0; k < positions.Length; k++)
                together[i][k].Should().Equal(alone[i][k], $"input {i}, position {positions[k]}");
        tight.Pool.FreeCount.Should().Be(tight.Pool.PageCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_readouts_are_refused_and_leave_the_sequence_unchanged()
    {
        using var engine = new InferenceEngine(Fixtures.Model("tiny-qwen2"), Small);
        using var sequence = engine.CreateSequence([1, 2, 3]);
        async Task Refused(IReadOnlyList<int> tokens, IReadOnlyList<int> positions, IReadOnlyList<int> outputs, string message)
        {
            var act = () => sequence.ReadOutputsAsync(tokens, positions, outputs);
            (await act.Should().ThrowAsync<InvalidRequestException>()).WithMessage(message);
            sequence.Tokens.Should().Equal([1, 2, 3]);
        }
        await Refused([], [0], [0], "*at least one token*");
        await Refused([4, 5], [], [0], "*at least one position*");
        await Refused([4, 5], [2], [0], "*position 2 is outside the 2 appended tokens*");
        await Refused([4, 5], [1, 0], [0], "*ascending and distinct*");
        await Refused([4, 5], [0], [300], "*output index 300 is outside the model's 300 outputs*");
        await Refused([4, 5], [0], [], "*at least one output index*");
        await Refused([4, 999], [0], [0], "*token id 999*");
        var reads = await sequence.ReadOutputsAsync([4, 5], [1], [0]);
        reads.Should().ContainSingle();
        engine.Pool.FreeCount.Should().BeLessThan(engine.Pool.PageCount);
    }

    [Fact]
    public void A_batch_row_with_output_positions_out_of_order_is_refused_before_the_pass_changes_anything()
    {
        var model = Fixtures.Model("tiny-llama");
        using var pass = new ForwardPass(model);
        using var pool = new PagePool(model.Config, 16, 16);
        using var kv = new KvSequence(pool);
        var act = () => pass.Step([new BatchRow(kv, new[] { 1, 2, 3 }, OutputPositions: [2, 1])]);
        act.Should().Throw<InvalidRequestException>().WithMessage("*out of order*");
        kv.Length.Should().Be(0);
        var logits = pass.Step([new BatchRow(kv, new[] { 1, 2, 3 }, OutputPositions: [0, 2])])[0];
        logits.Should().HaveCount(2 * model.Config.VocabSize);
    }

    [Fact]
    public void Config_json_names_a_process_reward_model_or_a_mistral_model()
    {
        const string Base = """
            "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
            "intermediate_size": 64, "vocab_size": 300, "max_position_embeddings": 32768, "sliding_window": 4096
            """;
        var prm = ModelConfig.Parse($$"""{ "architectures": ["Qwen2ForProcessRewardModel"], "model_type": "qwen2", {{Base}} }""", "prm");
        prm.Head.Should().Be(ModelHead.ProcessReward);
        prm.Architecture.Should().Be(Architecture.Qwen2);
        prm.OutputWidth.Should().Be(2);
        prm.MaxPositionEmbeddings.Should().Be(32768, "a Qwen2 config's sliding_window is off unless use_sliding_window says otherwise");
        ModelConfig.Parse(prm.ToJson(), "round trip").Head.Should().Be(ModelHead.ProcessReward);

        var mistral = ModelConfig.Parse($$"""{ "architectures": ["MistralForCausalLM"], "model_type": "mistral", {{Base}} }""", "mistral");
        mistral.Architecture.Should().Be(Architecture.Llama);
        mistral.Head.Should().Be(ModelHead.LanguageModel);
        mistral.AttentionBias.Should().BeFalse();
        mistral.MaxPositionEmbeddings.Should().Be(4096, "full attention equals Mistral's sliding window only within the window");
    }
}
