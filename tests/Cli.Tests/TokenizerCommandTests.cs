using System.CommandLine;
using FluentAssertions;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary><c>reason tokenize</c> and <c>reason detokenize</c> on the tiny Qwen3 fixture, run in-process.</summary>
public sealed class TokenizerCommandTests
{
    private static readonly string Fixture = FindFixture();

    [Fact]
    public void Tokenize_prints_space_separated_ids()
    {
        var (code, output) = Run("tokenize", "--tokenizer", Fixture, "<|im_start|>user\nhi<|im_end|>\n");

        code.Should().Be(0);
        output.Should().Be("298 117 115 275 10 104 105 299 10\n");
    }

    [Fact]
    public void Tokenize_with_json_prints_exactly_an_ids_object()
    {
        var (code, output) = Run("tokenize", "--tokenizer", Fixture, "--json", "<|im_start|>user\nhi<|im_end|>\n");

        code.Should().Be(0);
        output.Should().Be("{\"ids\":[298,117,115,275,10,104,105,299,10]}\n");
    }

    [Theory]
    [InlineData("298", "117", "115", "275", "10", "104", "105", "299")]
    [InlineData("298,117,115,275,10,104,105,299")]
    [InlineData("298 117 115 275", "10,104,105 299")]
    public void Detokenize_accepts_ids_as_arguments_or_lists(params string[] ids)
    {
        var (code, output) = Run(["detokenize", "--tokenizer", Fixture, .. ids]);

        code.Should().Be(0);
        output.Should().Be("<|im_start|>user\nhi<|im_end|>\n");
    }

    [Fact]
    public void Detokenize_can_skip_special_tokens()
    {
        var (_, output) = Run("detokenize", "--tokenizer", Fixture, "--skip-special", "298,104,105,299");

        output.Should().Be("hi\n");
    }

    [Fact]
    public void A_missing_tokenizer_file_exits_with_code_2()
    {
        var (code, _) = Run("tokenize", "--tokenizer", "/nonexistent/tokenizer.json", "hi");

        code.Should().Be(2);
    }

    [Fact]
    public void An_id_that_is_not_a_number_exits_with_code_2()
    {
        var (code, _) = Run("detokenize", "--tokenizer", Fixture, "12,abc");

        code.Should().Be(2);
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });
        return (code, output.ToString());
    }

    private static string FindFixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Reasoning.sln")))
                return Path.Combine(dir.FullName, "tests", "fixtures", "models", "tiny-qwen3");
        throw new InvalidOperationException("Reasoning.sln not found");
    }
}
