namespace Reasoning.Agents.Chat;

/// <summary>How a model family is told about tools and how it writes a call.</summary>
public enum ToolCallFormat
{
    /// <summary>
    /// Qwen (Hermes style): the tools as JSON lines inside <c>&lt;tools&gt;&lt;/tools&gt;</c> in a <c># Tools</c> system
    /// block; each call written <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>; results go back as
    /// <c>&lt;tool_response&gt;</c> blocks.
    /// </summary>
    Hermes,

    /// <summary>
    /// Llama 3.1: the tools as indented JSON in the first user message with the instruction to answer
    /// <c>{"name": function name, "parameters": {…}}</c>; the whole answer is that JSON; results go back in
    /// <c>ipython</c> turns.
    /// </summary>
    Llama3Json,
}
