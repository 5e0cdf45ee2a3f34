using Reasoning.Engine.Errors;

namespace Reasoning.Cli;

/// <summary>
/// The CLI's one error convention: every bad input ends as one <c>error: …</c> line on stderr (what was wrong and what
/// to do) and exit code 2; a cancelled command ends as one <c>interrupted: …</c> line and exit code 130.
/// </summary>
internal static class CliErrors
{
    /// <summary>The exit code of bad input.</summary>
    public const int BadInput = 2;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ReasoningException or Tasks.Countdown.CountdownFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (ArgumentException e) when (e.ParamName is "path" or "fileName" or "sourceFileName" or "destFileName")
        {
            // A file-system call refused a path the user gave (empty, or characters the OS does not allow).
            Console.Error.WriteLine($"error: a file path is not usable ({e.Message.Split(" (Parameter")[0]}); give a file path such as out.jsonl.");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted.");
            return Interruption.ExitCode;
        }
    }

    /// <summary>System.CommandLine's parse messages with .NET type names said in words.</summary>
    public static string Plain(string message) => message
        .Replace("expected type 'System.Int32'", "a whole number", StringComparison.Ordinal)
        .Replace("expected type 'System.Int64'", "a whole number", StringComparison.Ordinal)
        .Replace("expected type 'System.UInt64'", "a whole number of 0 or more", StringComparison.Ordinal)
        .Replace("expected type 'System.Single'", "a number", StringComparison.Ordinal)
        .Replace("expected type 'System.Double'", "a number", StringComparison.Ordinal)
        .Replace("expected type 'System.Nullable`1[System.Int32]'", "a whole number", StringComparison.Ordinal);
}
