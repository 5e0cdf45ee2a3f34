using Reasoning.Engine.Errors;

namespace Reasoning.Agents.Application;

/// <summary>Finds the shipped Countdown models: under models/ in the current folder or any folder above the program.</summary>
public static class ShippedModels
{
    /// <summary>The APR model (spawns and joins sub-searches).</summary>
    public const string Apr = "countdown-apr";
    /// <summary>The SoS+ model (one serial trace; cons@N and pass@N sample it).</summary>
    public const string Sos = "countdown-sos";

    /// <summary>The given folder, or the shipped model <paramref name="name"/>.</summary>
    /// <exception cref="InvalidRequestException">No folder was given and the shipped model is not found.</exception>
    public static string Locate(string? given, string name)
    {
        if (given is not null)
            return given;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", name);
                if (File.Exists(Path.Combine(candidate, "config.json")))
                    return candidate;
            }
        }
        throw new InvalidRequestException($"the shipped model models/{name} was not found above {Directory.GetCurrentDirectory()} nor beside the program ({AppContext.BaseDirectory}); run from the repository, pass --model DIR, or install the tool, which carries the models (README, \"Install as a .NET tool\").");
    }
}
