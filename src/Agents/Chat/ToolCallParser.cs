using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Reasoning.Agents.Chat;

/// <summary>What a model's output says: its text and the tool calls it made.</summary>
/// <param name="Text">The answer's text outside the calls (the whole output when there are none).</param>
/// <param name="Calls">The calls, in order.</param>
public sealed record ParsedToolOutput(string Text, IReadOnlyList<FunctionCallContent> Calls);

/// <summary>
/// Reads tool calls out of generated text: Qwen's <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c>
/// blocks, or Llama 3's answer that is one JSON object <c>{"name": …, "parameters": …}</c>.
/// </summary>
/// <remarks>
/// A call that cannot be read whole (its body is not JSON, it has no function name, its arguments are not a JSON
/// object) raises <see cref="MalformedToolCallException"/>: Microsoft.Extensions.AI's function-invocation middleware
/// ignores <see cref="FunctionCallContent.Exception"/> and would invoke the function with no arguments, so a half-read
/// call is never handed on. A Llama 3 answer that is JSON without a <c>name</c> is an ordinary answer (a model may
/// answer in JSON).
/// </remarks>
public static class ToolCallParser
{
    /// <summary>Qwen's opening tag of a call.</summary>
    public const string HermesOpen = "<tool_call>";
    /// <summary>Qwen's closing tag of a call.</summary>
    public const string HermesClose = "</tool_call>";
    private const string PythonTag = "<|python_tag|>";

    /// <summary>Parses <paramref name="output"/> written in <paramref name="format"/>.</summary>
    /// <exception cref="MalformedToolCallException">A call cannot be read: broken JSON, no name, or arguments that are not an object.</exception>
    public static ParsedToolOutput Parse(string output, ToolCallFormat format)
    {
        ArgumentNullException.ThrowIfNull(output);
        return format == ToolCallFormat.Hermes ? ParseHermes(output) : ParseLlama3(output);
    }

    private static ParsedToolOutput ParseHermes(string output)
    {
        int first = output.IndexOf(HermesOpen, StringComparison.Ordinal);
        if (first < 0)
            return new ParsedToolOutput(output, []);
        var calls = new List<FunctionCallContent>();
        var text = new StringBuilder(output[..first].TrimEnd());
        int at = first;
        while (at >= 0)
        {
            int bodyStart = at + HermesOpen.Length;
            int close = output.IndexOf(HermesClose, bodyStart, StringComparison.Ordinal);
            // A generation that ends right after the JSON (EOS or the token limit) leaves the last block open.
            string body = close < 0 ? output[bodyStart..] : output[bodyStart..close];
            calls.Add(ReadCall(body, "arguments", output, calls.Count));
            int after = close < 0 ? output.Length : close + HermesClose.Length;
            int next = output.IndexOf(HermesOpen, after, StringComparison.Ordinal);
            string between = (next < 0 ? output[after..] : output[after..next]).Trim();
            if (between.Length > 0)
                text.Append(text.Length > 0 ? "\n" : "").Append(between);
            at = next;
        }
        return new ParsedToolOutput(text.ToString(), calls);
    }

    private static ParsedToolOutput ParseLlama3(string output)
    {
        string body = output.Trim();
        if (body.StartsWith(PythonTag, StringComparison.Ordinal))
            body = body[PythonTag.Length..].TrimStart();
        if (!body.StartsWith('{'))
            return new ParsedToolOutput(output, []);
        JsonElement json;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException e)
        {
            // An answer that starts like a call and breaks off is a broken call; other non-JSON braces are text.
            if (body.Contains("\"name\"", StringComparison.Ordinal))
                throw new MalformedToolCallException($"the JSON call is not valid JSON ({e.Message})", output);
            return new ParsedToolOutput(output, []);
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("name", out _))
            return new ParsedToolOutput(output, []);
        var key = json.TryGetProperty("parameters", out _) ? "parameters" : "arguments";
        return new ParsedToolOutput("", [ReadCall(body, key, output, 0)]);
    }

    private static FunctionCallContent ReadCall(string body, string argumentsKey, string output, int index)
    {
        JsonElement json;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(body.Trim());
        }
        catch (JsonException e)
        {
            throw new MalformedToolCallException($"call {index + 1}'s body is not valid JSON ({e.Message}): '{Shorten(body)}'", output);
        }
        if (json.ValueKind != JsonValueKind.Object)
            throw new MalformedToolCallException($"call {index + 1}'s body is JSON but not an object: '{Shorten(body)}'", output);
        if (!json.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            throw new MalformedToolCallException($"call {index + 1} has no function name (a \"name\" string): '{Shorten(body)}'", output);
        var callId = $"call_{index}_{Guid.NewGuid():N}"[..24];
        if (!json.TryGetProperty(argumentsKey, out var arguments) || arguments.ValueKind == JsonValueKind.Null)
            return new FunctionCallContent(callId, name.GetString()!, new Dictionary<string, object?>());
        // Some models write the arguments as a JSON string holding the object.
        if (arguments.ValueKind == JsonValueKind.String)
        {
            try
            {
                arguments = JsonSerializer.Deserialize<JsonElement>(arguments.GetString()!);
            }
            catch (JsonException)
            {
            }
        }
        if (arguments.ValueKind != JsonValueKind.Object)
            throw new MalformedToolCallException($"the arguments of '{name.GetString()}' are not a JSON object: {Shorten(arguments.GetRawText())}", output);
        var dictionary = new Dictionary<string, object?>();
        foreach (var property in arguments.EnumerateObject())
            dictionary[property.Name] = property.Value.Clone();
        return new FunctionCallContent(callId, name.GetString()!, dictionary);
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";
}
