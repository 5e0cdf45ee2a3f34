namespace Reasoning.Engine.Tokenization;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who speaks: "system", "user", "assistant" (or "tool", "ipython"...).</param>
/// <param name="Content">What was said.</param>
public sealed record ChatMessage(string Role, string Content);
