namespace Reasoning.Engine.Tokenization;

/// <summary>A function call an assistant turn made, as a chat template receives it.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON object (templates print it with <c>tojson</c>).</param>
/// <param name="Id">The call's id, if the conversation tracks one.</param>
public sealed record ChatToolCall(string Name, string ArgumentsJson, string? Id = null);
