namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>Paths inside the repository, found by walking up from the test binaries to Reasoning.sln.</summary>
internal static class RepoPaths
{
    public static readonly string Root = FindRoot();

    public static string Fixture(string model) => Path.Combine(Root, "tests", "fixtures", "models", model);

    public static string ReferenceDirectory => Path.Combine(Root, "tests", "Engine.Tests", "TokenizerReference");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Reasoning.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Reasoning.sln not found above {AppContext.BaseDirectory}");
    }
}
