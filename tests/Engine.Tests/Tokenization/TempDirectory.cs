using Reasoning.Engine.Tests.Support;
namespace Reasoning.Engine.Tests.Tokenization;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("reasoning-tok-").FullName;

    /// <summary>Copies a file of a fixture model into the directory.</summary>
    public TempDirectory WithFixtureFile(string model, string file)
    {
        File.Copy(System.IO.Path.Combine(RepoPaths.Fixture(model), file), System.IO.Path.Combine(Path, file));
        return this;
    }

    /// <summary>Writes a file into the directory.</summary>
    public TempDirectory With(string file, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, file), content);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
