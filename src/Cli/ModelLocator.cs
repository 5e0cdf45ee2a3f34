using Reasoning.Engine.Errors;

namespace Reasoning.Cli;

/// <summary>Finds the shipped models: under models/ in the current folder or any folder above the program.</summary>
internal static class ModelLocator
{
    /// <summary>The given folder, or the shipped model <paramref name="name"/>.</summary>
    public static string Countdown(string? given, string name)
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
