using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>Adds the special tokens a model expects around an encoded text (BOS, EOS, CLS/SEP).</summary>
internal interface IPostProcessor
{
    /// <summary>Returns the ids with the special tokens added.</summary>
    List<int> AddSpecialTokens(List<int> ids);
}

/// <summary>Builds post-processors from the "post_processor" object of tokenizer.json (single sequences only).</summary>
internal static class PostProcessors
{
    /// <summary>Reads a post-processor; null adds nothing.</summary>
    public static IPostProcessor? Read(JsonElement? element, JsonFields json, string path)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return null;
        var type = json.Type(e, path);
        return type switch
        {
            "ByteLevel" => null,
            "TemplateProcessing" => ReadTemplate(e, json, path),
            "RobertaProcessing" or "BertProcessing" => new Template(
                [.. ReadPair(e, "cls", json, path), -1, .. ReadPair(e, "sep", json, path)]),
            "Sequence" => new SequenceProcessor(json.Array(e, "processors", path).EnumerateArray()
                .Select((p, i) => Read(p, json, $"{path}.processors[{i}]"))
                .OfType<IPostProcessor>().ToArray()),
            _ => throw json.Error(path, $"unsupported post-processor type \"{type}\"; supported: TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence"),
        };
    }

    /// <summary>The "single" template: special tokens' ids, with -1 where the text's ids go.</summary>
    private static Template ReadTemplate(JsonElement e, JsonFields json, string path)
    {
        var specials = json.Object(e, "special_tokens", path);
        var items = new List<int>();
        var single = json.Array(e, "single", path);
        var index = 0;
        foreach (var item in single.EnumerateArray())
        {
            var itemPath = $"{path}.single[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw json.Error(itemPath, $"expected {{\"Sequence\": ...}} or {{\"SpecialToken\": ...}}, found {JsonFields.Describe(item)}");
            if (item.TryGetProperty("Sequence", out _))
            {
                items.Add(-1);
                continue;
            }
            var special = json.Object(item, "SpecialToken", itemPath);
            var name = json.String(special, "id", $"{itemPath}.SpecialToken");
            if (!specials.TryGetProperty(name, out var definition))
                throw json.Error(itemPath, $"special token \"{name}\" is not defined in {path}.special_tokens");
            var ids = json.Array(definition, "ids", $"{path}.special_tokens.{name}");
            items.AddRange(ids.EnumerateArray().Select(id => json.TokenId(id, $"{path}.special_tokens.{name}.ids")));
        }
        return new Template(items.ToArray());
    }

    private static int[] ReadPair(JsonElement e, string name, JsonFields json, string path)
    {
        var pair = json.Array(e, name, path);
        if (pair.GetArrayLength() != 2)
            throw json.Error($"{path}.{name}", "expected [token, id]");
        return [json.TokenId(pair[1], $"{path}.{name}[1]")];
    }

    private sealed class Template(int[] items) : IPostProcessor
    {
        public List<int> AddSpecialTokens(List<int> ids)
        {
            var output = new List<int>(ids.Count + items.Length);
            foreach (var item in items)
            {
                if (item == -1)
                    output.AddRange(ids);
                else
                    output.Add(item);
            }
            return output;
        }
    }

    private sealed class SequenceProcessor(IPostProcessor[] steps) : IPostProcessor
    {
        public List<int> AddSpecialTokens(List<int> ids)
        {
            foreach (var step in steps)
                ids = step.AddSpecialTokens(ids);
            return ids;
        }
    }
}
