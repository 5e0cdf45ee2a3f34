namespace Reasoning.Agents.Chat;

/// <summary>The keys this client reads from <c>ChatOptions.AdditionalProperties</c> and writes to responses and updates.</summary>
public static class ChatPropertyNames
{
    /// <summary>Request: the reasoning strategy by name (<c>sos</c>, <c>cons@8</c>, …; see <see cref="Reasoning.Orchestrator.StrategyRegistry"/>).</summary>
    public const string ReasoningStrategy = "reasoning_strategy";

    /// <summary>Request: Qwen3's thinking switch (a bool; false opens the answer with an empty &lt;think&gt; block).</summary>
    public const string EnableThinking = "enable_thinking";

    /// <summary>Response: the reasoning tree of a strategy run (a <c>JsonObject</c>: threads with their text, tokens, status and children).</summary>
    public const string ReasoningTree = "reasoning_tree";

    /// <summary>Response: each candidate trace's answer key, in order (a <c>JsonArray</c>; null where a trace stated none).</summary>
    public const string ReasoningAnswers = "reasoning_answers";

    /// <summary>Response: the index of the chosen candidate (−1: none).</summary>
    public const string ReasoningChosen = "reasoning_chosen";

    /// <summary>Streaming update: one event of the strategy run (a <c>JsonObject</c> with <c>type</c>, <c>thread</c>, <c>ms</c> and the event's fields).</summary>
    public const string ReasoningEvent = "reasoning_event";
}
