using System.Text;
using System.Text.Json.Nodes;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Fuzz;

/// <summary>
/// A fixture model's folder with one file damaged: the safetensors file truncated, its header length or header bytes
/// flipped, its header JSON edited; config.json or tokenizer.json edited as text or as JSON. The model (or tokenizer)
/// is loaded and, when it loads, run for a few tokens.
/// </summary>
internal sealed class ModelFileCases(string fixtureDirectory, string workDirectory) : IFuzzCategory
{
    private static readonly string[] Files = ["model.safetensors", "config.json", "tokenizer.json"];

    public string Name => "model-files";

    public async Task<FuzzOutcome> RunAsync(Random random, Action<string> describe, CancellationToken cancellationToken)
    {
        string dir = Path.Combine(workDirectory, "model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var file in Directory.GetFiles(fixtureDirectory).Where(f => !f.EndsWith("reference.json", StringComparison.Ordinal)))
                File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
            string target = Files[random.Next(Files.Length)];
            string path = Path.Combine(dir, target);
            string damage = target == "model.safetensors" ? DamageSafetensors(path, random) : DamageJson(path, random);
            string input = $"{Path.GetFileName(fixtureDirectory)}/{target}: {damage}";
            describe(input);
            try
            {
                if (target == "tokenizer.json")
                {
                    var tokenizer = Tokenizer.Load(path);
                    var ids = tokenizer.Encode("Current State: 24:[1, 2], Operations: [] \u00e9\ud83d\ude00");
                    tokenizer.Decode(ids);
                    return new FuzzOutcome(Name, OutcomeKind.Result, "tokenizer loaded", input);
                }
                using var model = TransformerModel.Load(dir);
                using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 1 << 20, PageSize = 8 });
                int free = engine.Pool.FreeCount;
                using (var seq = engine.CreateSequence())
                    await seq.GenerateToEndAsync([1, 2, 3], new SamplingOptions { MaxTokens = 3 }, cancellationToken: cancellationToken).ConfigureAwait(false);
                int leaked = free - engine.Pool.FreeCount;
                return leaked == 0
                    ? new FuzzOutcome(Name, OutcomeKind.Result, "model loaded and ran", input)
                    : new FuzzOutcome(Name, OutcomeKind.Leak, "model loaded and ran", input, LeakedPages: leaked);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return ErrorKinds.Classify(Name, e, input);
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static string DamageSafetensors(string path, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        int header = (int)Math.Min(headerLength + 8, (ulong)bytes.Length);
        switch (random.Next(4))
        {
            case 0:
                int keep = random.Next(3) == 0 ? random.Next(0, Math.Min(16, bytes.Length)) : random.Next(0, bytes.Length);
                File.WriteAllBytes(path, bytes[..keep]);
                return $"truncated to {keep} of {bytes.Length} bytes";
            case 1:
                Mutator.FlipBits(bytes, 0, 8, random);
                File.WriteAllBytes(path, bytes);
                return $"header length bits flipped: {headerLength} -> {BitConverter.ToUInt64(bytes, 0)}";
            case 2:
                Mutator.FlipBits(bytes, 8, header, random);
                File.WriteAllBytes(path, bytes);
                return "header bytes bit-flipped";
            default:
                string json = Encoding.UTF8.GetString(bytes, 8, header - 8);
                string edited = random.Next(2) == 0 ? Mutator.Mutate(json, random) : EditJson(json, random, out _);
                var text = Encoding.UTF8.GetBytes(edited);
                var rewritten = new byte[8 + text.Length + bytes.Length - header];
                BitConverter.GetBytes((ulong)text.Length).CopyTo(rewritten, 0);
                text.CopyTo(rewritten, 8);
                bytes.AsSpan(header).CopyTo(rewritten.AsSpan(8 + text.Length));
                File.WriteAllBytes(path, rewritten);
                return "header JSON edited: " + AprFormatCases.Quote(edited);
        }
    }

    private static string DamageJson(string path, Random random)
    {
        string json = File.ReadAllText(path);
        switch (random.Next(4))
        {
            case 0:
                int keep = random.Next(json.Length);
                File.WriteAllText(path, json[..keep]);
                return $"truncated to {keep} of {json.Length} characters";
            case 1:
                var bytes = Encoding.UTF8.GetBytes(json);
                Mutator.FlipBits(bytes, 0, bytes.Length, random);
                File.WriteAllBytes(path, bytes);
                return "bit-flipped";
            default:
                string edited = EditJson(json, random, out string what);
                File.WriteAllText(path, edited);
                return what;
        }
    }

    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null, _ => JsonValue.Create(0), _ => JsonValue.Create(-1), r => JsonValue.Create(r.Next(1, 5)),
        _ => JsonValue.Create(int.MaxValue), _ => JsonValue.Create(long.MaxValue), _ => JsonValue.Create(1e300), _ => JsonValue.Create(0.5),
        _ => JsonValue.Create("text"), _ => JsonValue.Create(""), _ => JsonValue.Create(true), _ => new JsonArray(), _ => new JsonObject(),
        _ => new JsonArray(JsonValue.Create(1), JsonValue.Create("x")), _ => JsonValue.Create(double.NaN.ToString()),
    ];

    /// <summary>Replaces or removes one value anywhere in the JSON tree (or rewrites the text when it is not JSON).</summary>
    private static string EditJson(string json, Random random, out string what)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { what = "not JSON"; return Mutator.Mutate(json, random); }
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is null) return;
            nodes.Add(n);
            if (n is JsonObject o) foreach (var (_, v) in o) Walk(v);
            else if (n is JsonArray a) foreach (var v in a) Walk(v);
        }
        Walk(root);
        var containers = nodes.Where(n => n is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }).ToList();
        if (containers.Count == 0) { what = "empty"; return Mutator.Mutate(json, random); }
        var container = containers[random.Next(containers.Count)];
        bool remove = random.Next(4) == 0;
        if (container is JsonObject obj)
        {
            var key = obj.ElementAt(random.Next(obj.Count)).Key;
            if (remove) { obj.Remove(key); what = $"removed \"{key}\""; }
            else { var v = Values[random.Next(Values.Length)](random); obj[key] = v; what = $"\"{key}\" = {v?.ToJsonString() ?? "null"}"; }
        }
        else
        {
            var arr = (JsonArray)container;
            int i = random.Next(arr.Count);
            if (remove) { arr.RemoveAt(i); what = $"removed item {i} of {container.GetPath()}"; }
            else { var v = Values[random.Next(Values.Length)](random); arr[i] = v; what = $"{container.GetPath()}[{i}] = {v?.ToJsonString() ?? "null"}"; }
        }
        return root!.ToJsonString();
    }
}
