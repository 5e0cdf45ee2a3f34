using Microsoft.Extensions.AI;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Sampling;
using Reasoning.Engine.Tokenization;
using Reasoning.Threads;

namespace Reasoning.Agents.Chat;

/// <summary>One chat request, checked and turned into the engine's terms.</summary>
/// <param name="Prompt">The rendered prompt.</param>
/// <param name="PromptIds">Its tokens: what the engine prefills.</param>
/// <param name="Sampling">Sampling and the answer's token budget.</param>
/// <param name="StopSequences">The request's stop sequences.</param>
/// <param name="Tools">The function tools offered.</param>
/// <param name="Strategy">The reasoning strategy asked for, or null for one plain generation.</param>
internal sealed record ChatRequest(string Prompt, IReadOnlyList<int> PromptIds, SamplingOptions Sampling,
    IReadOnlyList<string> StopSequences, IReadOnlyList<AIFunctionDeclaration> Tools, string? Strategy)
{
    /// <summary>Reads <paramref name="options"/> (defaults from <paramref name="defaults"/>) and renders the prompt.</summary>
    /// <exception cref="InvalidRequestException">An option is out of range or has the wrong type, or a message cannot be rendered.</exception>
    public static ChatRequest Create(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages, ChatOptions? options,
        ReasoningChatClientOptions defaults, ChatPromptRenderer renderer, Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var maxTokens = options?.MaxOutputTokens ?? defaults.DefaultMaxOutputTokens;
        if (maxTokens < 1)
            throw new InvalidRequestException($"MaxOutputTokens {maxTokens} is invalid; use a positive count of tokens.");
        var sampling = new SamplingOptions
        {
            Temperature = options?.Temperature ?? defaults.DefaultTemperature,
            TopP = options?.TopP ?? 1f,
            TopK = options?.TopK ?? 0,
            Seed = options?.Seed is { } seed ? unchecked((ulong)seed) : 0,
            MaxTokens = maxTokens,
        };
        sampling.Validate(tokenizer.VocabSize);
        var stops = options?.StopSequences?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? [];
        var tools = ToolPrompts.Functions(options);
        var enableThinking = Property<bool?>(options, ChatPropertyNames.EnableThinking, "a bool") ?? true;
        var strategy = Property<string>(options, ChatPropertyNames.ReasoningStrategy, "a strategy name such as \"cons@8\"");
        var prompt = renderer.Render(messages, tools, enableThinking, options?.Instructions);
        // The template writes its own BOS and control tokens; nothing more is added.
        var ids = tokenizer.Encode(prompt, addSpecialTokens: false);
        if (ids.Count == 0)
            throw new InvalidRequestException("the conversation renders to an empty prompt; give at least one message with text.");
        return new ChatRequest(prompt, ids, sampling, stops, tools, string.IsNullOrWhiteSpace(strategy) ? null : strategy);
    }

    /// <summary>The engine's text generation settings: sampling, EOS and the stop sequences.</summary>
    public TextGenerationOptions TextOptions => new() { Sampling = Sampling, StopStrings = StopSequences };

    /// <summary>A thread's generation settings for a strategy run.</summary>
    public ThreadGenerationOptions ThreadOptions => new()
    {
        MaxTokens = Sampling.MaxTokens,
        Temperature = Sampling.Temperature,
        TopP = Sampling.TopP,
        Seed = Sampling.Seed,
        StopStrings = StopSequences,
    };

    private static T? Property<T>(ChatOptions? options, string key, string expected)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(key, out var value) || value is null)
            return default;
        return value switch
        {
            T typed => typed,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } e when typeof(T) == typeof(string) => (T)(object)e.GetString()!,
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False } e when typeof(T) == typeof(bool?) => (T)(object)e.GetBoolean(),
            _ => throw new InvalidRequestException($"ChatOptions.AdditionalProperties[\"{key}\"] is a {value.GetType().Name}; it must be {expected}."),
        };
    }
}
