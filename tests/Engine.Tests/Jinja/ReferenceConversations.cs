using System.Text.Json;
using System.Text.Json.Nodes;
using Reasoning.Engine.Tests.Support;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Engine.Tests.Jinja;

/// <summary>One conversation of conversations.json, as transformers' JSON and as the engine's chat messages.</summary>
public sealed record ReferenceConversation(string Name, JsonObject Json, IReadOnlyList<ChatMessage> Messages, ChatRenderOptions Options);

/// <summary>Reads conversations.json and maps each conversation to the engine's types (the test's own, independent mapping).</summary>
public static class ReferenceConversations
{
    public static string FilePath => Path.Combine(RepoPaths.Root, "tests", "Engine.Tests", "Jinja", "conversations.json");

    public static IReadOnlyList<ReferenceConversation> Load()
    {
        var root = JsonNode.Parse(File.ReadAllText(FilePath))!.AsObject();
        var tools = root["tools"]!.AsArray();
        var result = new List<ReferenceConversation>();
        foreach (var node in root["conversations"]!.AsArray())
        {
            var json = node!.AsObject();
            // "tools": true stands for the shared tool list; the reference renderer gets it written out.
            if (json["tools"]?.GetValue<bool>() == true)
                json["tools"] = tools.DeepClone();
            else
                json.Remove("tools");
            using var document = JsonDocument.Parse(json.ToJsonString());
            var c = document.RootElement;
            var messages = c.GetProperty("messages").EnumerateArray().Select(Message).ToList();
            var options = new ChatRenderOptions
            {
                AddGenerationPrompt = c.GetProperty("add_generation_prompt").GetBoolean(),
                EnableThinking = c.TryGetProperty("enable_thinking", out var thinking) ? thinking.GetBoolean() : null,
                Tools = c.TryGetProperty("tools", out var list) ? list.EnumerateArray().Select(Tool).ToList() : [],
                Clock = () => JinjaReference.Now,
            };
            result.Add(new ReferenceConversation(c.GetProperty("name").GetString()!, json, messages, options));
        }
        return result;
    }

    private static ChatMessage Message(JsonElement m)
    {
        var content = m.GetProperty("content");
        return new ChatMessage(m.GetProperty("role").GetString()!, content.ValueKind == JsonValueKind.Null ? "" : content.GetString()!)
        {
            ContentIsNone = content.ValueKind == JsonValueKind.Null,
            ReasoningContent = m.TryGetProperty("reasoning_content", out var reasoning) ? reasoning.GetString() : null,
            ToolCalls = m.TryGetProperty("tool_calls", out var calls)
                ? calls.EnumerateArray().Select(call => new ChatToolCall(
                    call.GetProperty("function").GetProperty("name").GetString()!,
                    call.GetProperty("function").GetProperty("arguments").GetRawText(),
                    call.TryGetProperty("id", out var id) ? id.GetString() : null)).ToList()
                : null,
            ToolCallId = m.TryGetProperty("tool_call_id", out var callId) ? callId.GetString() : null,
            Name = m.TryGetProperty("name", out var name) ? name.GetString() : null,
        };
    }

    private static ChatTool Tool(JsonElement t)
    {
        var function = t.GetProperty("function");
        return new ChatTool(function.GetProperty("name").GetString()!,
            function.TryGetProperty("description", out var description) ? description.GetString() : null,
            function.GetProperty("parameters").Clone());
    }
}
