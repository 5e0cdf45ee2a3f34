using System.Text;

namespace Reasoning.Engine.Tokenization;

/// <summary>
/// Llama 3: BOS, then per message <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n</c>, the trimmed
/// content and <c>&lt;|eot_id|&gt;</c>; the generation prompt is an empty assistant header.
/// </summary>
internal static class Llama3Format
{
    public static string Render(ChatTemplate template, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var text = new StringBuilder(template.BosToken ?? "<|begin_of_text|>");
        foreach (var m in messages)
            Header(text, m.Role).Append(m.Content.Trim()).Append("<|eot_id|>");
        if (addGenerationPrompt)
            Header(text, "assistant");
        return text.ToString();
    }

    private static StringBuilder Header(StringBuilder text, string role) =>
        text.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n");
}
