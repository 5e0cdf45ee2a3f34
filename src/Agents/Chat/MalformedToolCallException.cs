using Reasoning.Orchestrator;

namespace Reasoning.Agents.Chat;

/// <summary>
/// The model wrote a tool call that cannot be read: a <c>&lt;tool_call&gt;</c> block whose body is not a JSON object,
/// has no function name or has arguments that are not a JSON object, or a Llama 3 call whose JSON is cut off.
/// </summary>
public sealed class MalformedToolCallException : MalformedOutputException
{
    /// <summary>The model's output as it was generated.</summary>
    public string RawOutput { get; }

    /// <summary>Creates the exception; <paramref name="problem"/> says what was wrong with the call.</summary>
    public MalformedToolCallException(string problem, string rawOutput)
        : base($"the model wrote a tool call that cannot be read: {problem}. Retry (a sampled model may write it right), give the model clearer tool descriptions, or set ReasoningChatClientOptions.MalformedToolCalls to ReturnText to get the raw output as the answer.")
    {
        RawOutput = rawOutput;
    }
}
