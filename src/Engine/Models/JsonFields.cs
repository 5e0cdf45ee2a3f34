using System.Text.Json;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Models;

/// <summary>Typed access to the fields of a JSON object, with errors naming the file and the field.</summary>
internal readonly struct JsonFields(JsonElement root, string source)
{
    public int PositiveInt(string name)
    {
        int? value = OptionalPositiveInt(name);
        return value ?? throw new ModelFormatException(source, $"is missing the required field '{name}' (a positive integer).");
    }

    public int? OptionalPositiveInt(string name)
    {
        int? value = OptionalInt(name);
        if (value is <= 0)
            throw new ModelFormatException(source, $"field '{name}' is {value}; expected a positive integer.");
        return value;
    }

    public int? OptionalInt(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v))
            throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected an integer.");
        return v;
    }

    public double? OptionalDouble(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
            throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected a finite number.");
        return v;
    }

    public bool? OptionalBool(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return null;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected true or false."),
        };
    }

    public string? OptionalString(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return null;
        if (e.ValueKind != JsonValueKind.String)
            throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected a string.");
        return e.GetString();
    }

    public IReadOnlyList<string> StringList(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return [];
        if (e.ValueKind != JsonValueKind.Array)
            throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected a list of strings.");
        var list = new List<string>(e.GetArrayLength());
        var index = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.String)
                throw new ModelFormatException(source, $"field '{name}[{index}]' is {x.GetRawText()}; expected a string (for example \"LlamaForCausalLM\").");
            list.Add(x.GetString()!);
            index++;
        }
        return list;
    }

    /// <summary>An optional field holding a JSON object, read with the same file name in its errors.</summary>
    public JsonFields? OptionalObject(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return null;
        if (e.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected an object.");
        return new JsonFields(e, source);
    }

    /// <summary>A field that is either one integer or a list of them (<c>eos_token_id</c>).</summary>
    public IReadOnlyList<int> IntOrIntList(string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            return [];
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int single))
            return [single];
        if (e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out _)))
            return e.EnumerateArray().Select(x => x.GetInt32()).ToList();
        throw new ModelFormatException(source, $"field '{name}' is {e.GetRawText()}; expected an integer or a list of integers.");
    }
}
