using System.Text.Json.Nodes;
using Reasoning.Engine.Diagnostics;
using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;
using Reasoning.TestSupport;

namespace Reasoning.Search.Tests.Prm;

/// <summary>
/// Random model folders in the fixture models' shape class (tiny dims, the tiny-qwen2 byte-level tokenizer with its
/// ChatML template): a Qwen2ForProcessRewardModel whose tokenizer adds <c>&lt;extra_0&gt;</c> = 300, and a causal LM.
/// </summary>
internal sealed class PrmModelFolders : IDisposable
{
    /// <summary>Id of <c>&lt;extra_0&gt;</c> in the PRM's tokenizer.</summary>
    public const int ExtraId = 300;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "reasoning-prm-" + Guid.NewGuid().ToString("N"));

    public static ModelConfig Shape(ModelHead head, Architecture architecture, int vocab, int context = 512) => new()
    {
        Architecture = architecture,
        Head = head,
        HiddenSize = 32,
        NumLayers = 2,
        NumHeads = 4,
        NumKvHeads = 2,
        HeadDim = 8,
        IntermediateSize = 64,
        VocabSize = vocab,
        MaxPositionEmbeddings = context,
        RopeTheta = 10000,
        RmsNormEps = 1e-6f,
        TieWordEmbeddings = false,
        AttentionBias = architecture == Architecture.Qwen2,
        EosTokenIds = [297],
    };

    /// <summary>A random Qwen2ForProcessRewardModel folder (f32 weights) with a tokenizer that has <c>&lt;extra_0&gt;</c>.</summary>
    public string QwenPrm(int context = 512, ulong seed = 7, bool extraToken = true)
    {
        string dir = NewFolder("qwen-prm");
        RandomModelWriter.Write(dir, Shape(ModelHead.ProcessReward, Architecture.Qwen2, ExtraId + 1, context), TensorDType.F32, seed);
        // With the writer's weights every <extra_0> has nearly the same final hidden state (the token's embedding
        // dominates the residual stream) and the scores agree to 1e-5 (near 1). Smaller embeddings let the context
        // weigh more and a stronger head spreads its features, so the scores differ by several 1e-3, hundreds of times
        // the tests' tolerance, and a wrong position or a wrong hidden state shows.
        RewriteWeights(dir, tensors => tensors.Select(t => t.Name switch
        {
            "model.embed_tokens.weight" => Scaled(t, 0.1f),
            "score.0.weight" => Scaled(t, 30f),
            "score.2.weight" => Scaled(t, 3f),
            _ => t,
        }));
        CopyTokenizer(dir, extraToken);
        return dir;
    }

    /// <summary>A random causal LM folder (f32 weights, untied head) with the tiny-qwen2 tokenizer.</summary>
    public string CausalLm(Architecture architecture = Architecture.Llama, int context = 512, ulong seed = 11)
    {
        string dir = NewFolder("causal-lm");
        RandomModelWriter.Write(dir, Shape(ModelHead.LanguageModel, architecture, 300, context), TensorDType.F32, seed);
        CopyTokenizer(dir, extraToken: false);
        return dir;
    }

    /// <summary>Rewrites a folder's weights through <paramref name="change"/> (drop or reshape tensors).</summary>
    public static void RewriteWeights(string dir, Func<List<TensorToWrite>, IEnumerable<TensorToWrite>> change)
    {
        string path = Path.Combine(dir, "model.safetensors");
        var tensors = new List<TensorToWrite>();
        using (var file = SafetensorsFile.Open(path))
            foreach (var info in file.Tensors.Values)
                tensors.Add(new TensorToWrite(info.Name, info.DType, [.. info.Shape], file.GetBytes(info).ToArray()));
        SafetensorsWriter.Write(path, change(tensors).ToList());
    }

    private static TensorToWrite Scaled(TensorToWrite t, float factor)
    {
        if (t.DType != TensorDType.F32)
            throw new ArgumentException("only f32 tensors are scaled here");
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.Data).ToArray();
        for (int i = 0; i < values.Length; i++)
            values[i] *= factor;
        return t with { Data = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray() };
    }

    private static void CopyTokenizer(string dir, bool extraToken)
    {
        string fixture = RepoPaths.FixtureModel("tiny-qwen2");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture, "tokenizer.json")))!;
        if (extraToken)
            json["added_tokens"]!.AsArray().Add(new JsonObject
            {
                ["id"] = ExtraId, ["content"] = "<extra_0>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), json.ToJsonString());
        File.Copy(Path.Combine(fixture, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"), overwrite: true);
    }

    private string NewFolder(string name)
    {
        string dir = Path.Combine(_root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A memory-mapped weight file may still be open on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
