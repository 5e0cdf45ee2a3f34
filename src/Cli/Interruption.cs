using System.Runtime.InteropServices;

namespace Reasoning.Cli;

/// <summary>
/// Ctrl-C and SIGTERM as a normal ending: the first cancels the running command (which flushes what it wrote and says
/// how far it got), a second exits at once with code 130.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>The exit code of an interrupted command (128 + SIGINT, as shells report it).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Starts handling SIGINT and SIGTERM for this process.</summary>
    public static Interruption Install()
    {
        var interruption = new Interruption();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                interruption._registrations.Add(PosixSignalRegistration.Create(signal, interruption.OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGTERM has no counterpart on some platforms; Ctrl-C still cancels.
            }
        }
        return interruption;
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            _cancel.Cancel();
            return;
        }
        Console.Error.WriteLine("interrupted again: exiting now.");
        Environment.Exit(ExitCode);
    }

    /// <summary>Stops handling the signals.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
        _cancel.Dispose();
    }
}
