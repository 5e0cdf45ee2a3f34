namespace Reasoning.Cli;

/// <summary>Finds the shipped models: under models/ in the current folder or any folder above the program (<see cref="Agents.Application.ShippedModels"/>).</summary>
internal static class ModelLocator
{
    /// <summary>The given folder, or the shipped model <paramref name="name"/>.</summary>
    public static string Countdown(string? given, string name) => Agents.Application.ShippedModels.Locate(given, name);
}
