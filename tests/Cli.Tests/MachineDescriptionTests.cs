using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>The machine line of evaluation records, read from /proc/cpuinfo text written out here by hand.</summary>
public sealed class MachineDescriptionTests
{
    [Fact]
    public void The_first_processor_gives_its_model_name_family_and_model()
    {
        const string text = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\nflags\t\t: fpu\n\n" +
                            "processor\t: 1\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: Other CPU\n";
        MachineDescription.FromCpuInfo(text).Should().Be("AMD EPYC (family 26, model 2)");
    }

    [Fact]
    public void A_model_name_without_family_numbers_stands_alone()
    {
        MachineDescription.FromCpuInfo("processor : 0\nmodel name : Neoverse-N1\n").Should().Be("Neoverse-N1");
    }

    [Fact]
    public void Text_without_a_model_name_gives_nothing()
    {
        MachineDescription.FromCpuInfo("processor : 0\nBogoMIPS : 50.00\n").Should().BeNull();
        MachineDescription.FromCpuInfo("").Should().BeNull();
    }
}
