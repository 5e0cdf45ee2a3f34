using System.Reflection;
using FluentAssertions;
using Reasoning.Engine.Tests.Support;
using Xunit;

namespace Reasoning.Engine.Tests.Docs;

/// <summary>
/// The README's C# snippet is a whole program: it is examples/QuickStart/Program.cs letter for letter, that project
/// compiles with the solution, and here it runs on the shipped model.
/// </summary>
public sealed class ReadmeSnippetTests
{
    private static string ReadmeSnippet()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("### The engine from C#", StringComparison.Ordinal);
        section.Should().BeGreaterThan(0, "README has a section on the engine from C#");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    [Fact]
    public void Readme_snippet_is_the_quick_start_example()
    {
        string program = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "QuickStart", "Program.cs")).ReplaceLineEndings("\n");
        ReadmeSnippet().Should().Be(program);
    }

    [Fact(Timeout = 120_000)]
    public async Task Readme_snippet_runs_on_the_shipped_model()
    {
        var entry = Assembly.Load("QuickStart").EntryPoint!;
        var output = new StringWriter();
        var before = Console.Out;
        Console.SetOut(output);
        try
        {
            var result = entry.Invoke(null, [new[] { Path.Combine(RepoPaths.Root, "models", "countdown-sos") }]);
            if (result is Task task)
                await task;
        }
        finally
        {
            Console.SetOut(before);
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4, "one line per forked continuation");
        lines.Should().OnlyContain(l => l.Trim().Length > 0);
    }
}
