using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Cli.Commands;

/// <summary><c>reason score</c>: each continuation token's log-probability given the prompt and the tokens before it.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face model folder (config.json, model.safetensors, tokenizer.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The context as text (encoded as generate does, BOS included when the model adds one)." };
        var promptIds = new Option<string>("--prompt-ids") { Description = "The context as token ids, e.g. 1,2,3 (used as they are: no BOS added)." };
        var continuation = new Option<string>("--continuation") { Description = "The text to score (encoded without special tokens)." };
        var continuationIds = new Option<string>("--continuation-ids") { Description = "The token ids to score, e.g. 4,5." };
        var topLogprobs = new Option<int>("--top-logprobs") { Description = "Most likely alternatives reported at each scored position." };
        var kvMemory = KvOptions.Memory("512MiB");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };

        var cmd = new Command("score", "Log-probabilities of a continuation's tokens given a prompt.");
        foreach (var o in new Option[] { model, prompt, promptIds, continuation, continuationIds, topLogprobs, kvMemory, json })
            cmd.Options.Add(o);
        cmd.SetAction((p, ct) => RunAsync(p, ct, new Options(model, prompt, promptIds, continuation, continuationIds, topLogprobs, kvMemory, json)));
        return cmd;
    }

    private sealed record Options(Option<string> Model, Option<string> Prompt, Option<string> PromptIds, Option<string> Continuation,
        Option<string> ContinuationIds, Option<int> TopLogprobs, Option<string> KvMemory, Option<bool> Json);

    private static async Task<int> RunAsync(ParseResult p, CancellationToken ct, Options o)
    {
        string? promptText = p.GetValue(o.Prompt), promptIdText = p.GetValue(o.PromptIds);
        string? continuationText = p.GetValue(o.Continuation), continuationIdText = p.GetValue(o.ContinuationIds);
        if ((promptText is null) == (promptIdText is null))
            throw new InvalidRequestException("give the context with exactly one of --prompt TEXT or --prompt-ids 1,2,3.");
        if ((continuationText is null) == (continuationIdText is null))
            throw new InvalidRequestException("give what to score with exactly one of --continuation TEXT or --continuation-ids 4,5.");
        string dir = p.GetValue(o.Model)!;
        using var model = TransformerModel.Load(dir);
        var tokenizer = Tokenizer.Load(dir);
        var context = promptIdText is not null ? ParseIds(promptIdText, "--prompt-ids") : tokenizer.Encode(promptText!);
        var scored = continuationIdText is not null ? ParseIds(continuationIdText, "--continuation-ids") : tokenizer.Encode(continuationText!, addSpecialTokens: false);
        if (scored.Count == 0)
            throw new InvalidRequestException("the continuation has no tokens to score; give a non-empty --continuation or --continuation-ids.");
        int top = p.GetValue(o.TopLogprobs);

        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = ByteSize.Parse(p.GetValue(o.KvMemory)!) });
        using var seq = engine.CreateSequence(context);
        var scores = await seq.ScoreAsync(scored, top, ct);
        double sum = scores.Sum(s => (double)s.Logprob);
        string Text(int id) => tokenizer.Decode([id]);

        if (!p.GetValue(o.Json))
        {
            foreach (var s in scores)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Id,8} {s.Logprob,12:0.000000}  {JsonSerializer.Serialize(Text(s.Id))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sum_logprob {sum:0.000000}"));
            return 0;
        }
        var root = new JsonObject
        {
            ["tokens"] = new JsonArray(scores.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["text"] = Text(s.Id),
                ["logprob"] = s.Logprob,
                ["top_logprobs"] = new JsonArray(s.TopLogprobs.Select(a => (JsonNode)new JsonObject { ["id"] = a.Id, ["text"] = Text(a.Id), ["logprob"] = a.Logprob }).ToArray()),
            }).ToArray()),
            ["sum_logprob"] = sum,
        };
        Console.WriteLine(root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return 0;
    }

    private static List<int> ParseIds(string text, string option)
    {
        var ids = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new InvalidRequestException($"{option} '{text}': '{part}' is not a token id; give non-negative integers separated by commas, e.g. 1,2,3.");
            ids.Add(id);
        }
        return ids;
    }
}
