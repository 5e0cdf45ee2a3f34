using System.Text.Json;

namespace Reasoning.Engine.Tokenization;

/// <summary>A function the model may call, given to the chat template as <c>{"type": "function", "function": {...}}</c>.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Description">What it does (omitted from the template's view when null).</param>
/// <param name="Parameters">Its arguments as a JSON schema object.</param>
public sealed record ChatTool(string Name, string? Description, JsonElement Parameters);
