using FluentAssertions;
using Reasoning.Agents.Chat;
using Xunit;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>The answer key cons@N votes on, read from whole traces (prompt + generated text).</summary>
public class ChatReasoningTaskTests
{
    private const string Prompt = "<|im_start|>user\nWhat is 2 + 3?<|im_end|>\n<|im_start|>assistant\n";
    private readonly ChatReasoningTask _task = new(Prompt, ["<|im_end|>", "<|endoftext|>"]);

    [Theory]
    [InlineData("5<|im_end|>", "5")]
    [InlineData("  The sum is\n\n  5.  <|im_end|>", "The sum is 5.")]
    [InlineData("<think>\nanswer: 4? no\n</think>\n\nThe answer is 5.", "5.")]
    [InlineData("We add them. Answer: 5<|im_end|>trailing junk", "5")]
    [InlineData("First \\boxed{4}, then \\boxed{5}. Answer: five", "5")]
    [InlineData("   \n<|im_end|>", null)]
    public void The_answer_key_is_the_final_answer_with_white_space_collapsed(string generated, string? key)
    {
        _task.AnswerOf(Prompt + generated).Should().Be(key);
    }

    [Fact]
    public void Two_traces_with_the_same_final_answer_share_a_key()
    {
        _task.AnswerOf(Prompt + "Let me think. 2 + 3 = 5.\nAnswer: 5").Should().Be(_task.AnswerOf(Prompt + "Quick: answer is   5<|endoftext|>"));
    }

    [Fact]
    public void Nothing_is_verified_and_apr_children_are_refused()
    {
        _task.Verify(Prompt + "Answer: 5").Should().BeFalse();
        var act = () => _task.BuildChildContext(Prompt, new Reasoning.Orchestrator.Apr.AprChildCall(0, 1, "Moving to Node #0,0"));
        act.Should().Throw<Reasoning.Orchestrator.Apr.AprProtocolException>().WithMessage("*TaskFactory*");
    }
}
