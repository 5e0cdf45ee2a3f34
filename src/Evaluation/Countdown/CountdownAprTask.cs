using Reasoning.Orchestrator.Apr;
using Reasoning.Tasks.Countdown;

namespace Reasoning.Evaluation.Countdown;

/// <summary>Countdown as APR's runtime sees it: children start from their node header rebuilt from the parent's trace.</summary>
public sealed class CountdownAprTask : IAprTask
{
    /// <inheritdoc />
    public string BuildChildContext(string parentTrace, AprChildCall call)
    {
        try
        {
            return CountdownPrompts.Child(parentTrace, call.Line);
        }
        catch (CountdownFormatException e)
        {
            throw new AprProtocolException(e.Message);
        }
    }

    /// <inheritdoc />
    public string? ReadChildResult(string childTrace) => TraceParser.ResultOf(childTrace);
}
