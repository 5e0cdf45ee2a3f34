namespace Reasoning.Cli;

/// <summary>
/// Redraws a block of lines in place on a terminal: the first frame is written where the cursor is (the line below the
/// command), each later frame first moves back to the block's first line and clears to the end of the screen.
/// </summary>
internal sealed class LiveFrame(TextWriter output)
{
    private int _height;

    /// <summary>Draws <paramref name="lines"/> over the previous frame.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        var text = new System.Text.StringBuilder();
        if (_height > 0)
            text.Append($"\u001b[{_height}F");   // to column 1 of the frame's first line
        text.Append("\u001b[J");                   // clear from there to the end of the screen
        foreach (var line in lines)
            text.Append(line).Append('\n');
        output.Write(text.ToString());
        output.Flush();
        _height = lines.Count;
    }
}
