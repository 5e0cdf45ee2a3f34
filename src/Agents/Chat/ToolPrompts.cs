using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Agents.Chat;

/// <summary>
/// The text a template puts in the prompt for tools, tool calls and tool results, written as the real chat templates
/// write them (Qwen2.5/Qwen3's <c># Tools</c> block, Llama 3.1's "Given the following functions" user message), so
/// that the C# chat formats can render conversations with tools.
/// </summary>
internal static class ToolPrompts
{
    /// <summary>Llama 3.1's template prints this date when the caller gives none.</summary>
    public const string Llama3DefaultDate = "26 Jul 2024";

    /// <summary>A tool as the templates see it: <c>{"type": "function", "function": {name, description, parameters}}</c>.</summary>
    public static JsonElement ToolJson(AIFunctionDeclaration tool)
    {
        var function = new JsonObject { ["name"] = tool.Name };
        if (!string.IsNullOrEmpty(tool.Description))
            function["description"] = tool.Description;
        function["parameters"] = JsonNode.Parse(tool.JsonSchema.GetRawText());
        var node = new JsonObject { ["type"] = "function", ["function"] = function };
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>Qwen's system block body after the system prompt: the tool list and how to call one.</summary>
    public static string HermesToolsBlock(IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var text = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        foreach (var tool in tools)
            text.Append('\n').Append(TemplateJson.Dumps(ToolJson(tool)));
        text.Append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>");
        return text.ToString();
    }

    /// <summary>Llama 3.1's system header lines when tools are offered.</summary>
    public static string Llama3SystemPrefix => $"Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: {Llama3DefaultDate}\n\n";

    /// <summary>Llama 3.1's first user message with the tools (tools_in_user_message, the template's default).</summary>
    public static string Llama3ToolsUserMessage(IReadOnlyList<AIFunctionDeclaration> tools, string firstUserMessage)
    {
        var text = new StringBuilder("Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n");
        text.Append("Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n");
        foreach (var tool in tools)
            text.Append(TemplateJson.Dumps(ToolJson(tool), indent: 4)).Append("\n\n");
        return text.Append(firstUserMessage.Trim()).ToString();
    }

    /// <summary>One call as an assistant turn writes it.</summary>
    public static string Call(ToolCallFormat format, FunctionCallContent call)
    {
        var arguments = TemplateJson.Dumps(JsonSerializer.SerializeToElement(
            call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>))));
        return format == ToolCallFormat.Hermes
            ? $"<tool_call>\n{{\"name\": \"{call.Name}\", \"arguments\": {arguments}}}\n</tool_call>"
            : $"{{\"name\": \"{call.Name}\", \"parameters\": {arguments}}}";
    }

    /// <summary>A tool's result as text: strings as they are, anything else as JSON.</summary>
    public static string Result(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } e ? $"Error: {e.Message}" : "",
        string s => s,
        JsonElement e when e.ValueKind == JsonValueKind.String => e.GetString()!,
        JsonElement e => e.GetRawText(),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions.GetTypeInfo(other.GetType())),
    };

    /// <summary>The function tools of a request; a hosted tool (web search, code interpreter) is an error.</summary>
    /// <exception cref="InvalidRequestException">A tool is not a function declaration.</exception>
    public static IReadOnlyList<AIFunctionDeclaration> Functions(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || options.ToolMode is NoneChatToolMode)
            return [];
        var functions = new List<AIFunctionDeclaration>();
        foreach (var tool in tools)
            functions.Add(tool as AIFunctionDeclaration ?? throw new InvalidRequestException(
                $"tool '{tool.Name}' is a {tool.GetType().Name}, a tool a hosted service runs; a local model can only call function tools (AIFunction, AIFunctionFactory.Create)."));
        return functions;
    }
}
