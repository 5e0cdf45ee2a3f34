namespace Reasoning.Search;

/// <summary>
/// Where steps end in a stream of generated text, so step-level search can stop a thread at a step's end (through
/// <see cref="StopStrings"/>) and split a trace into steps.
/// </summary>
public interface IStepSplitter
{
    /// <summary>Stop strings that end a generation at the end of a step.</summary>
    IReadOnlyList<string> StopStrings { get; }

    /// <summary>
    /// The end (exclusive offset) of the first step that ends at or after <paramref name="from"/> in
    /// <paramref name="text"/>, or −1 when the text from there holds no complete step yet.
    /// </summary>
    int NextStepEnd(string text, int from);
}

/// <summary>Splitting whole texts with an <see cref="IStepSplitter"/>.</summary>
public static class StepSplitting
{
    /// <summary>The complete steps of <paramref name="text"/>, in order, and the unfinished rest.</summary>
    public static (IReadOnlyList<string> Steps, string Remainder) Split(this IStepSplitter splitter, string text)
    {
        var steps = new List<string>();
        int at = 0;
        while (at < text.Length)
        {
            int end = splitter.NextStepEnd(text, at);
            if (end < 0)
                break;
            if (end <= at)
                throw new InvalidOperationException($"the step splitter returned end {end} for a step starting at {at}; a step must hold at least one character.");
            steps.Add(text[at..end]);
            at = end;
        }
        return (steps, text[at..]);
    }
}

/// <summary>Steps end with a delimiter (a newline by default), which belongs to the step it ends.</summary>
/// <param name="delimiter">The text that ends a step.</param>
public sealed class DelimiterStepSplitter(string delimiter = "\n") : IStepSplitter
{
    private readonly string _delimiter = delimiter.Length > 0 ? delimiter : throw new ArgumentException("a step delimiter must not be empty.", nameof(delimiter));

    /// <inheritdoc />
    public IReadOnlyList<string> StopStrings => [_delimiter];

    /// <inheritdoc />
    public int NextStepEnd(string text, int from)
    {
        int at = text.IndexOf(_delimiter, from, StringComparison.Ordinal);
        return at < 0 ? -1 : at + _delimiter.Length;
    }
}
