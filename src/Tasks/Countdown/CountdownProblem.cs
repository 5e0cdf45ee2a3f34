using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// A Countdown problem: reach <see cref="Target"/> by combining all of <see cref="Numbers"/> with
/// +, −, ×, ÷ (non-negative, exact). Serialised as one JSON line <c>{"numbers":[..],"target":..}</c>.
/// </summary>
public sealed record CountdownProblem
{
    /// <summary>Creates a problem; numbers and target must be non-negative and there must be at least one number.</summary>
    public CountdownProblem(IReadOnlyList<int> numbers, int target)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (numbers.Count == 0)
            throw new CountdownFormatException("A Countdown problem needs at least one number; give e.g. [44, 19, 35, 73].");
        if (numbers.Any(n => n < 0) || target < 0)
            throw new CountdownFormatException(
                $"Countdown numbers and target must be non-negative; got {PythonLiteral.Numbers(numbers)} → {target}.");
        Numbers = numbers.ToArray();
        Target = target;
    }

    /// <summary>The starting numbers, in the order the problem lists them (traces print them in this order).</summary>
    public IReadOnlyList<int> Numbers { get; }

    /// <summary>The number to reach.</summary>
    public int Target { get; }

    /// <summary>The split key APR uses: the sorted numbers and the target.</summary>
    public string CanonicalKey => $"{PythonLiteral.Numbers(Numbers.Order())}_{Target}";

    /// <summary>Whether two problems have the same numbers (in order) and target.</summary>
    public bool Equals(CountdownProblem? other) =>
        other is not null && Target == other.Target && Numbers.SequenceEqual(other.Numbers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Target, Numbers.Count, Numbers[0]);

    /// <summary>The JSON line <c>{"numbers":[..],"target":..}</c>.</summary>
    public string ToJson() => ToJsonNode().ToJsonString();

    /// <summary>The problem as a JSON object, for embedding in other records.</summary>
    public JsonObject ToJsonNode() =>
        new() { ["numbers"] = new JsonArray(Numbers.Select(n => (JsonNode?)n).ToArray()), ["target"] = Target };

    /// <summary>Reads a problem from a JSON object holding <c>numbers</c> and <c>target</c>.</summary>
    /// <param name="node">The JSON object.</param>
    /// <param name="where">Where it came from (file and line), for error messages.</param>
    public static CountdownProblem FromJsonNode(JsonNode? node, string where)
    {
        if (node is not JsonObject obj)
            throw new CountdownFormatException($"{where}: expected a JSON object like {{\"numbers\":[44,19,35,73],\"target\":98}}.");
        if (obj["numbers"] is not JsonArray array)
            throw new CountdownFormatException($"{where}: missing the \"numbers\" array; write {{\"numbers\":[44,19,35,73],\"target\":98}}.");
        var numbers = new List<int>();
        foreach (var item in array)
            numbers.Add(ReadInt(item, where, "numbers"));
        var target = ReadInt(obj["target"], where, "target");
        try
        {
            return new CountdownProblem(numbers, target);
        }
        catch (CountdownFormatException e)
        {
            throw new CountdownFormatException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>Parses one JSON line; throws <see cref="CountdownFormatException"/> naming <paramref name="where"/>.</summary>
    public static CountdownProblem FromJson(string line, string where)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException e)
        {
            throw new CountdownFormatException($"{where}: not valid JSON ({e.Message}); each line must be one object like {{\"numbers\":[44,19,35,73],\"target\":98}}.", e);
        }
        return FromJsonNode(node, where);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Target}:{PythonLiteral.Numbers(Numbers)}";

    private static int ReadInt(JsonNode? node, string where, string field)
    {
        if (node is JsonValue value && value.TryGetValue<int>(out var n)) return n;
        if (node is JsonValue v2 && v2.TryGetValue<long>(out var l) && l >= int.MinValue && l <= int.MaxValue) return (int)l;
        throw new CountdownFormatException(
            $"{where}: \"{field}\" holds {(node is null ? "nothing" : node.ToJsonString())}, expected whole numbers (e.g. \"target\":98).");
    }
}
