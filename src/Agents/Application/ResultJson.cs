using System.Text.Encodings.Web;
using System.Text.Json;

namespace Reasoning.Agents.Application;

/// <summary>How the doors (MCP tools, plugin functions) write <see cref="ReasonResult"/> and <see cref="ExploreResult"/>: one JSON object, snake_case names.</summary>
public static class ResultJson
{
    /// <summary>The serializer settings: snake_case, non-ASCII kept as is, no indentation.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><paramref name="result"/> as one line of JSON.</summary>
    public static string Write(ReasonResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary><paramref name="result"/> as one line of JSON.</summary>
    public static string Write(ExploreResult result) => JsonSerializer.Serialize(result, Options);
}
