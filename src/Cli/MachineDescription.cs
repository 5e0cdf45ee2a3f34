using System.Runtime.InteropServices;

namespace Reasoning.Cli;

/// <summary>
/// A one-line description of the machine a command runs on, written into evaluation records so that latencies
/// measured on different machines (a results file extended with <c>--resume</c> in another session) can be told
/// apart: e.g. "AMD EPYC (family 26, model 2), 2 logical cores".
/// </summary>
internal static class MachineDescription
{
    private static readonly Lazy<string> CurrentValue = new(Describe);

    /// <summary>This machine, read once per process.</summary>
    public static string Current => CurrentValue.Value;

    private static string Describe()
    {
        string? cpu = null;
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
                cpu = FromCpuInfo(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} logical cores";
    }

    /// <summary>
    /// The first processor's "model name", with its "cpu family" and "model" numbers when present (the model name
    /// alone often says only "AMD EPYC"); null when the text has no model name.
    /// </summary>
    public static string? FromCpuInfo(string text)
    {
        string? name = null, family = null, model = null;
        foreach (var line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                if (name is not null && line.Trim().Length == 0)
                    break;   // the end of the first processor's block
                continue;
            }
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (key == "model name")
                name ??= value;
            else if (key == "cpu family")
                family ??= value;
            else if (key == "model")
                model ??= value;
        }
        if (string.IsNullOrEmpty(name))
            return null;
        return family is null || model is null ? name : $"{name} (family {family}, model {model})";
    }
}
