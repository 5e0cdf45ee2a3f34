using System.Text;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// ChatML: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message, and <c>&lt;|im_start|&gt;assistant\n</c>
/// as the generation prompt; with the Qwen variations a <see cref="ChatTemplate"/> may switch on (default system
/// prompt, tool responses in a user turn, Qwen3 thinking).
/// </summary>
internal static class ChatMlFormat
{
    private const string ThinkEnd = "</think>";

    public static string Render(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, bool enableThinking)
    {
        var text = new StringBuilder();
        if (template.DefaultSystemPrompt is { } system && (messages.Count == 0 || messages[0].Role != "system"))
            Turn(text, "system", system);
        var lastQuery = template.Thinking ? LastQueryIndex(messages) : int.MaxValue;
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (template.ToolResponsesAsUser && m.Role == "tool")
            {
                if (i == 0 || messages[i - 1].Role != "tool")
                    text.Append("<|im_start|>user");
                text.Append("\n<tool_response>\n").Append(m.Content).Append("\n</tool_response>");
                if (i == messages.Count - 1 || messages[i + 1].Role != "tool")
                    text.Append("<|im_end|>\n");
            }
            else if (template.Thinking && m.Role == "assistant")
            {
                Turn(text, m.Role, AssistantContent(m.Content, showReasoning: i > lastQuery, isLast: i == messages.Count - 1));
            }
            else
            {
                Turn(text, m.Role, m.Content);
            }
        }
        if (addGenerationPrompt)
        {
            text.Append("<|im_start|>assistant\n");
            if (template.Thinking && !enableThinking)
                text.Append("<think>\n\n</think>\n\n");
        }
        return text.ToString();
    }

    private static void Turn(StringBuilder text, string role, string content) =>
        text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");

    /// <summary>
    /// Qwen3: an answer's &lt;think&gt; block is dropped from turns before the last question; after it, the
    /// reasoning is written back in a normalised block (always for the final message, else only if there is any).
    /// </summary>
    private static string AssistantContent(string content, bool showReasoning, bool isLast)
    {
        var reasoning = "";
        var end = content.LastIndexOf(ThinkEnd, StringComparison.Ordinal);
        if (end >= 0)
        {
            var before = content[..content.IndexOf(ThinkEnd, StringComparison.Ordinal)].TrimEnd('\n');
            var start = before.LastIndexOf("<think>", StringComparison.Ordinal);
            reasoning = (start >= 0 ? before[(start + "<think>".Length)..] : before).TrimStart('\n');
            content = content[(end + ThinkEnd.Length)..].TrimStart('\n');
        }
        if (showReasoning && (isLast || reasoning.Length > 0))
            return $"<think>\n{reasoning.Trim('\n')}\n</think>\n\n{content.TrimStart('\n')}";
        return content;
    }

    /// <summary>The last user message that is a real question (not a tool response passed back as a user turn).</summary>
    private static int LastQueryIndex(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var c = messages[i].Content;
            if (messages[i].Role == "user" && !(c.StartsWith("<tool_response>", StringComparison.Ordinal) && c.EndsWith("</tool_response>", StringComparison.Ordinal)))
                return i;
        }
        return messages.Count - 1;
    }
}
