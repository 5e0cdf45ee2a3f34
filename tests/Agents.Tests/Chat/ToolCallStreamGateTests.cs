using FluentAssertions;
using Reasoning.Agents.Chat;
using Xunit;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>The text streamed before the end is always a prefix of the text the parser reads from the whole output.</summary>
public class ToolCallStreamGateTests
{
    [Theory]
    [InlineData(ToolCallFormat.Hermes, "Plain answer with a < sign and <tool_ almost.\n\n")]
    [InlineData(ToolCallFormat.Hermes, "Let me check.\n<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": 2}}\n</tool_call>\nDone.")]
    [InlineData(ToolCallFormat.Hermes, "<tool_call>\n{\"name\": \"add\", \"arguments\": {}}\n</tool_call>")]
    [InlineData(ToolCallFormat.Llama3Json, "  {\"name\": \"add\", \"parameters\": {\"a\": 1}}")]
    [InlineData(ToolCallFormat.Llama3Json, "The answer is {1, 2}.")]
    [InlineData(ToolCallFormat.Llama3Json, "{\"sky\": \"clear\"}")]
    public void Released_text_is_a_prefix_of_the_parsed_text_at_every_step(ToolCallFormat format, string output)
    {
        var parsed = ToolCallParser.Parse(output, format);
        var gate = new ToolCallStreamGate(format);
        var streamed = "";
        foreach (var c in output)
        {
            streamed += gate.Push(c.ToString());
            streamed.Should().Be(gate.Released);
            parsed.Text.Should().StartWith(streamed);
        }
        // No call: everything but trailing white space (Qwen) streams before the end.
        if (parsed.Calls.Count == 0 && format == ToolCallFormat.Hermes)
            streamed.Should().Be(output.TrimEnd());
    }
}
