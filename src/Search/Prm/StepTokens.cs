using Reasoning.Engine.Errors;

namespace Reasoning.Search.Prm;

/// <summary>Finds the step-tag tokens of a rendered PRM input, as the reference code does: every token equal to the tag's id.</summary>
internal static class StepTokens
{
    /// <summary>The input with its step positions; checks there is exactly one tag per step and that it fits the context.</summary>
    /// <exception cref="InvalidRequestException">The tag count differs from the step count, or the input is too long.</exception>
    public static PrmInput Locate(int[] tokens, int tagId, string tag, int steps, int solution, int context)
    {
        var positions = new List<int>(steps);
        for (int i = 0; i < tokens.Length; i++)
            if (tokens[i] == tagId)
                positions.Add(i);
        if (positions.Count != steps)
            throw new InvalidRequestException(
                $"solution {solution}: its rendered input holds {positions.Count} step-tag tokens ('{tag}', id {tagId}) for {steps} steps, so its steps cannot be located. The prompt and steps must not contain the tag themselves, and the tokenizer must keep the tag one token after each step.");
        if (steps > 0 && tokens.Length > context)
            throw new InvalidRequestException(
                $"solution {solution}: its {steps} steps render to {tokens.Length} tokens, more than the PRM's context window of {context}; score a shorter prefix (fewer or shorter steps).");
        return new PrmInput(tokens, [.. positions]);
    }
}
