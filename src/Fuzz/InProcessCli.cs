namespace Reasoning.Fuzz;

/// <summary>
/// Runs a command line's entry point in this process with its console captured. Cases run one at a time (the console
/// is global); the console is always given back to the one this process started with, even after a case that hung.
/// </summary>
public static class InProcessCli
{
    private static readonly TextWriter OriginalOut = Console.Out;
    private static readonly TextWriter OriginalError = Console.Error;

    /// <summary>Runs <paramref name="main"/> on <paramref name="args"/>; an exception it lets out propagates.</summary>
    public static CliRun Run(Func<string[], int> main, string[] args)
    {
        var output = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(output));
        Console.SetError(TextWriter.Synchronized(output));
        try
        {
            int code = main(args);
            return new CliRun(code, output.ToString());
        }
        finally
        {
            Console.SetOut(OriginalOut);
            Console.SetError(OriginalError);
        }
    }
}
