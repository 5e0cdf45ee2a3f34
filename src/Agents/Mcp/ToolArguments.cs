using System.Text.Json;

namespace Reasoning.Agents.Mcp;

/// <summary>
/// Checks a tool call's arguments against what each tool takes before they are bound: the SDK's own binding failure
/// says only "An error occurred invoking …", and a client (often a model) needs to know which argument was wrong.
/// </summary>
internal static class ToolArguments
{
    private enum Kind { Integer, IntegerArray, Text }

    private sealed record Parameter(string Name, Kind Kind, bool Required);

    private static readonly Dictionary<string, Parameter[]> Tools = new(StringComparer.Ordinal)
    {
        ["solve_countdown"] = [new("numbers", Kind.IntegerArray, true), new("target", Kind.Integer, true), new("strategy", Kind.Text, false)],
        ["reason"] = [new("question", Kind.Text, true), new("strategy", Kind.Text, false), new("budget", Kind.Integer, false)],
        ["explore"] = [new("question", Kind.Text, true), new("n", Kind.Integer, false)],
    };

    /// <summary>What is wrong with <paramref name="arguments"/> for <paramref name="tool"/>, or null when nothing is (or the tool is not ours).</summary>
    public static string? Problem(string tool, IDictionary<string, JsonElement>? arguments)
    {
        if (!Tools.TryGetValue(tool, out var parameters))
            return null;
        string takes = $"{tool} takes {string.Join(", ", parameters.Select(Describe))}";
        arguments ??= new Dictionary<string, JsonElement>();
        foreach (var name in arguments.Keys)
            if (!parameters.Any(p => p.Name == name))
                return $"unknown argument '{name}'; {takes}.";
        foreach (var p in parameters)
        {
            bool given = arguments.TryGetValue(p.Name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
            if (!given)
            {
                if (p.Required)
                    return $"the argument '{p.Name}' is missing; {takes}.";
                continue;
            }
            if (!Fits(value, p.Kind))
                return $"the argument '{p.Name}' is {Shown(value)}, not {Noun(p.Kind)}; {takes}.";
        }
        return null;
    }

    private static bool Fits(JsonElement value, Kind kind) => kind switch
    {
        Kind.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        Kind.IntegerArray => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => Fits(e, Kind.Integer)),
        _ => value.ValueKind == JsonValueKind.String,
    };

    private static string Noun(Kind kind) => kind switch
    {
        Kind.Integer => "a whole number",
        Kind.IntegerArray => "an array of whole numbers such as [44, 19, 35, 73]",
        _ => "a string",
    };

    private static string Describe(Parameter p) => $"{p.Name} ({Noun(p.Kind).Split(" such as")[0]}{(p.Required ? "" : ", optional")})";

    private static string Shown(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }
}
