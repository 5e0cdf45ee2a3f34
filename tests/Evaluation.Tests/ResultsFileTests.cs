using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using Xunit;

namespace Reasoning.Evaluation.Tests;

public sealed class ResultsFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "reasoning-results-" + Guid.NewGuid().ToString("N") + ".jsonl");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Resuming_after_a_kill_mid_write_loses_and_duplicates_nothing()
    {
        using (var file = ResultsFile.Open(_path, resume: false))
            for (int i = 0; i < 3; i++)
                file.Append(new JsonObject { ["index"] = i, ["verified"] = i % 2 == 0 });
        File.AppendAllText(_path, "{\"index\":3,\"verif");   // the process died while writing item 3

        using (var resumed = ResultsFile.Open(_path, resume: true))
        {
            resumed.Existing.Keys.Should().BeEquivalentTo([0, 1, 2]);
            resumed.Append(new JsonObject { ["index"] = 3, ["verified"] = false });
        }

        var lines = File.ReadAllLines(_path, Encoding.UTF8);
        lines.Select(l => JsonNode.Parse(l)!["index"]!.GetValue<int>()).Should().Equal(0, 1, 2, 3);
    }

    [Fact]
    public void Starting_afresh_replaces_an_old_file()
    {
        File.WriteAllText(_path, "{\"index\":0}\n");
        using (var file = ResultsFile.Open(_path, resume: false))
            file.Existing.Should().BeEmpty();
        File.ReadAllText(_path).Should().BeEmpty();
    }
}
