using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>Runtime settings of the <c>reason</c> host that the engine's throughput depends on (docs/engine.md, "Hosting").</summary>
public sealed class HostingTests
{
    [Fact]
    public void The_reason_host_compiles_optimised_at_once_and_keeps_pool_threads_from_spinning()
    {
        // The runtime reads these from reason.runtimeconfig.json, written from the project file at build time.
        string path = Path.Combine(AppContext.BaseDirectory, "reason.runtimeconfig.json");
        File.Exists(path).Should().BeTrue($"the CLI's runtime config should sit beside reason.dll in {AppContext.BaseDirectory}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().Should().Be(0);
        properties.GetProperty("System.Runtime.TieredCompilation").GetBoolean().Should().BeFalse();
    }
}
