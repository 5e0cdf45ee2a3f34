namespace Reasoning.Engine.Tests.Support;

/// <summary>Locates files of the repository from the test's output folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reasoning.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Reasoning.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder holding Reasoning.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A fixture model folder by name (tiny-llama, tiny-qwen2, tiny-qwen3).</summary>
    public static string FixtureModel(string name) => Path.Combine(Root, "tests", "fixtures", "models", name);

    /// <summary>A fixture model folder by name (same as <see cref="FixtureModel"/>).</summary>
    public static string Fixture(string name) => FixtureModel(name);

    /// <summary>The tokenizer reference data made by @huggingface/tokenizers.</summary>
    public static string ReferenceDirectory => Path.Combine(Root, "tests", "Engine.Tests", "TokenizerReference");
}
