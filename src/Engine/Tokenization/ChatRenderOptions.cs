namespace Reasoning.Engine.Tokenization;

/// <summary>How to render a conversation with a chat template, beyond the messages.</summary>
public sealed record ChatRenderOptions
{
    /// <summary>Whether to end with an open assistant turn (the template's <c>add_generation_prompt</c>).</summary>
    public bool AddGenerationPrompt { get; init; } = true;

    /// <summary>The functions to offer the model (the template's <c>tools</c>; not passed when empty).</summary>
    public IReadOnlyList<ChatTool> Tools { get; init; } = [];

    /// <summary>Qwen3's <c>enable_thinking</c>: false asks for an answer without reasoning; null leaves it undefined.</summary>
    public bool? EnableThinking { get; init; }

    /// <summary>More template variables (they override the ones above and the BOS/EOS tokens), e.g. Llama 3.1's <c>date_string</c>.</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }

    /// <summary>The clock of <c>strftime_now</c> (Llama 3.2 prints today's date); the local time when null.</summary>
    public Func<DateTimeOffset>? Clock { get; init; }
}
