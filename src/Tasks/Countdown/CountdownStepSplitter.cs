using Reasoning.Search;

namespace Reasoning.Tasks.Countdown;

/// <summary>
/// Steps of a Countdown trace for step-level search: one step is one line, ended by its newline.
/// <para>
/// Why a line and not an <c>Exploring Operation</c> line with the line it produces: every line of an SoS+ trace is a
/// claim <see cref="SosLineChecker"/> can check on its own (an operation, a node, a move, a state), so a slip is caught
/// on the line it is written and only that line (15–30 tokens) is sampled again; and the engine stops a generation on
/// literal stop strings, while a <c>Generated Node</c> line has no fixed ending, so a two-line step could not be cut
/// where it ends. The engine cuts at the token that holds the newline, and the Countdown tokenizer merges a line's end
/// with the next line's start (<c>]\nGenerated Node #</c> is one token), so a generated step may run a little into the
/// next line; <see cref="CountdownVerifierPrm"/> scores by the lines a step completes, which makes that harmless.
/// </para>
/// </summary>
public sealed class CountdownStepSplitter : IStepSplitter
{
    /// <summary>The newline that ends a trace line.</summary>
    public IReadOnlyList<string> StopStrings { get; } = ["\n"];

    /// <inheritdoc />
    public int NextStepEnd(string text, int from)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = text.IndexOf('\n', from);
        return at < 0 ? -1 : at + 1;
    }
}
