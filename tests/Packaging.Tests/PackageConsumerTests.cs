using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Reasoning.Packaging.Tests;

/// <summary>
/// The libraries as NuGet packages, used the way a developer who adds the package would: every packable library under
/// src/ is packed into a temporary folder feed, a new console project outside the repository references
/// Reasoning.Evaluation from that feed (a nuget.config adds the folder beside the usual package source), restores,
/// builds and runs an APR Countdown solve with the shipped model, whose answer the checker verifies.
/// Needs: the .NET SDK on PATH (the one running the tests). No network: the packages have no dependencies outside
/// this repository, and the consumer restores into its own packages folder, so nothing stale from earlier runs is used.
/// About a minute on two cores once the libraries are built.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(3);

    private readonly string _work = Directory.CreateTempSubdirectory("reasoning-packaging-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact(Timeout = 420_000)]
    public async Task A_console_project_restores_the_packages_from_a_folder_feed_and_solves_countdown()
    {
        await Task.Yield();
        var root = RepoRoot();
        // A version no earlier run used, so that no cache anywhere can serve an older package.
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;

        var libraries = PackableLibraries(root);
        libraries.Select(Path.GetFileNameWithoutExtension).Should().Contain(
            ["Reasoning.Engine", "Reasoning.Threads", "Reasoning.Search", "Reasoning.Orchestrator", "Reasoning.Tasks", "Reasoning.Evaluation"]);
        // Packed from the builds this test run already has (--no-build, --no-restore): nothing in the repository is
        // rebuilt or restored while other test projects run beside this one.
        foreach (var library in libraries)
        {
            var name = Path.GetFileNameWithoutExtension(library);
            File.Exists(Path.Combine(Path.GetDirectoryName(library)!, "bin", Configuration, "net10.0", name + ".dll")).Should().BeTrue(
                $"{name} must be built in {Configuration} before it is packed: build the solution, or add it to this project's ProjectReferences");
        }
        var solution = Path.Combine(_work, "libraries.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(libraries.Select(p =>
            $"  <Project Path=\"{Path.GetRelativePath(_work, p).Replace('\\', '/')}\" />\n")) + "</Solution>\n");
        DotnetProcess.Run(_work, CommandLimit, "pack", solution, "-c", Configuration, "--no-build", "--no-restore",
            "-p:PackageVersion=" + version, "-p:PackageOutputPath=" + feed, "-nodeReuse:false");

        foreach (var library in libraries)
            File.Exists(Path.Combine(feed, $"{Path.GetFileNameWithoutExtension(library)}.{version}.nupkg")).Should().BeTrue(library);
        AssertPackageContents(Path.Combine(feed, $"Reasoning.Engine.{version}.nupkg"), "Reasoning.Engine");

        var consumer = Directory.CreateDirectory(Path.Combine(_work, "consumer")).FullName;
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_work, "packages")}" />
              </config>
              <packageSources>
                <add key="reasoning-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Reasoning.Evaluation" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);

        var output = DotnetProcess.Run(consumer, CommandLimit, "run", "-c", "Release", "-p:UseSharedCompilation=false",
            "--", Path.Combine(root, "models", "countdown-apr"));

        output.Should().Contain("solved: 94-11=83, 50-3=47, 83-47=36", "the README's first problem, which the shipped model solves");
        Directory.GetDirectories(Path.Combine(_work, "packages")).Select(Path.GetFileName)
            .Should().Contain("reasoning.evaluation", "the consumer restored the package from the folder feed");
    }

    /// <summary>The Countdown solve of docs/packages/README.md, as a user would write it.</summary>
    private const string ConsumerProgram = """"
        using Reasoning.Engine.Generation;
        using Reasoning.Engine.Models;
        using Reasoning.Engine.Tokenization;
        using Reasoning.Evaluation.Countdown;
        using Reasoning.Orchestrator.Apr;
        using Reasoning.Tasks.Countdown;
        using Reasoning.Threads;

        var modelDir = args[0];
        var problem = CountdownProblem.FromJson("""{"numbers": [11, 3, 94, 50], "target": 36}""", "problem");
        using var model = TransformerModel.Load(modelDir);
        var codec = new TokenizerCodec(Tokenizer.Load(modelDir));
        using var engine = new InferenceEngine(model, new EngineOptions { KvMemoryBytes = 256L << 20 });
        using var run = new ThreadRun(engine, codec, new ThreadBudget { ContextWindow = 4096, MaxThreads = 256, MaxFanOut = 64, MaxDepth = 1 });

        var generation = new ThreadGenerationOptions { MaxTokens = 4096, Temperature = 0f };
        var result = await AprProtocol.RunAsync(run, CountdownPrompts.Apr(problem), new CountdownAprTask(),
            new AprOptions { Parent = generation, Child = generation });

        var solution = TraceParser.TryParse(result.Root.Text, out _)?.Solution;
        Console.WriteLine(solution is not null && SolutionChecker.Check(problem, solution).IsValid ? "solved: " + string.Join(", ", solution) : "not solved");
        """";

    /// <summary>Every library under src/ that packs as a library (not the CLI tool, not what opts out).</summary>
    private static List<string> PackableLibraries(string root) =>
        Directory.GetDirectories(Path.Combine(root, "src"))
            .SelectMany(d => Directory.GetFiles(d, "*.csproj"))
            .Where(p => !Regex.IsMatch(File.ReadAllText(p), @"<IsPackable>\s*false|<PackAsTool>\s*true"))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static void AssertPackageContents(string package, string id)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        names.Should().Contain(["README.md", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml"]);
        using var reader = new StreamReader(zip.GetEntry($"{id}.nuspec")!.Open());
        var nuspec = reader.ReadToEnd();
        nuspec.Should().Contain("<license type=\"expression\">MIT</license>").And.Contain("<readme>README.md</readme>")
            .And.Contain("<description>").And.Contain("<authors>");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Reasoning.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Reasoning.sln not found above " + AppContext.BaseDirectory);
    }
}
