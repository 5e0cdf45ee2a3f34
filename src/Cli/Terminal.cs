using Spectre.Console;

namespace Reasoning.Cli;

/// <summary>Whether output is styled (colour and bold), and the one-line warnings every command prints.</summary>
internal static class Terminal
{
    /// <summary>Whether colour and bold are written (decided once per command line by <see cref="Configure"/>).</summary>
    public static bool Styled { get; private set; }

    /// <summary>
    /// Style only on a terminal, without <c>--no-color</c>, and without a non-empty <c>NO_COLOR</c> (https://no-color.org).
    /// </summary>
    public static bool UseStyle(bool noColorOption, string? noColorVariable, bool outputRedirected) =>
        !noColorOption && string.IsNullOrEmpty(noColorVariable) && !outputRedirected;

    /// <summary>Sets up the console for this command line.</summary>
    public static void Configure(bool noColorOption)
    {
        Styled = UseStyle(noColorOption, Environment.GetEnvironmentVariable("NO_COLOR"), Console.IsOutputRedirected);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // Ansi off drops bold and the other decorations too, not only colour.
            Ansi = Styled ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Styled ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 4096;   // a pipe or file has no width: lines are not wrapped at 80 columns

    }

    /// <summary>Whether a live display (the tree, a progress line) can redraw itself: stdout is a terminal.</summary>
    public static bool Live => !Console.IsOutputRedirected;

    /// <summary>
    /// Writes a line of Spectre markup: styled, or as plain text (Spectre without ANSI still writes colour resets on a
    /// terminal, through System.Console's colour API).
    /// </summary>
    public static void MarkupLine(string markup)
    {
        if (Styled)
            AnsiConsole.MarkupLine(markup);
        else
            Console.WriteLine(Markup.Remove(markup));
    }

    /// <summary>Prints one <c>warning: …</c> line on stderr.</summary>
    public static void Warn(string message) => Console.Error.WriteLine($"warning: {message}");
}
