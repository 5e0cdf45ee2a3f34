using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.Evaluation;
using Xunit;

namespace Reasoning.Cli.Tests;

/// <summary>
/// The results file as `reason eval countdown` uses it (issue #24's table): an existing file is changed only when asked,
/// a resume with other settings or problems is refused before anything is written, a second writer is stopped, and
/// lines that are not records are reported and kept aside.
/// </summary>
public sealed class ResultsFileCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "reason-results-" + Guid.NewGuid().ToString("N"));
    private readonly string _problems, _results;

    public ResultsFileCommandTests()
    {
        Directory.CreateDirectory(_dir);
        _problems = Path.Combine(_dir, "p.jsonl");
        _results = Path.Combine(_dir, "r.jsonl");
        File.WriteAllText(_problems, "{\"numbers\":[44,19,35,73],\"target\":98}\n{\"numbers\":[1,2,3,4],\"target\":10}\n{\"numbers\":[5,6,7,8],\"target\":26}\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Eval(params string[] extra) =>
        ["eval", "countdown", "--problems", _problems, "--strategy", "sos", "--model", CliRunner.Fixture("tiny-qwen3"), "--context", "64", "--out", _results, "--json", .. extra];

    private byte[] WriteThreeRecords()
    {
        var first = CliRunner.Run(Eval());
        first.ExitCode.Should().Be(0, first.Stderr);
        RecordIndices().Should().Equal(0, 1, 2);
        return File.ReadAllBytes(_results);
    }

    private List<int> RecordIndices() =>
        File.ReadAllLines(_results).Select(l => JsonNode.Parse(l)!.AsObject()).Where(o => o.ContainsKey("index")).Select(o => o["index"]!.GetValue<int>()).ToList();

    private static void OneErrorLine(CliRunner.Result result, params string[] phrases)
    {
        result.ExitCode.Should().Be(2, result.Stderr);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(result.Stderr).Which.Should().StartWith("error: ");
        foreach (var phrase in phrases)
            lines[0].Should().Contain(phrase);
    }

    [Fact]
    public void The_header_records_the_settings_that_make_records_comparable()
    {
        WriteThreeRecords();

        var header = JsonNode.Parse(File.ReadLines(_results).First())!["settings"]!.AsObject();
        header["task"]!.GetValue<string>().Should().Be("countdown");
        header["strategy"]!.GetValue<string>().Should().Be("sos");
        header["context"]!.GetValue<int>().Should().Be(64);
        header["temperature"]!.GetValue<double>().Should().Be(0);
        header["seed"]!.GetValue<ulong>().Should().Be(0);
        header["problems_sha256"]!.GetValue<string>().Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_problems))));
        header["model_sha256"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public void An_invalid_argument_leaves_an_existing_results_file_untouched()
    {
        var before = WriteThreeRecords();

        var result = CliRunner.Run(Eval("--parallel", "0", "--overwrite"));

        OneErrorLine(result, "--parallel 0");
        File.ReadAllBytes(_results).Should().Equal(before, "a refused argument must not touch the file");
    }

    [Fact]
    public void Without_resume_or_overwrite_an_existing_file_is_refused_and_untouched()
    {
        var before = WriteThreeRecords();

        var result = CliRunner.Run(Eval());

        OneErrorLine(result, "already holds 3 records", "--resume", "--overwrite");
        File.ReadAllBytes(_results).Should().Equal(before);

        var replaced = CliRunner.Run(Eval("--overwrite", "--count", "1"));
        replaced.ExitCode.Should().Be(0, replaced.Stderr);
        RecordIndices().Should().Equal(0);
    }

    [Theory]
    [InlineData("--strategy", "apr", "strategy sos (this run: apr)")]
    [InlineData("--context", "96", "context 64 (this run: 96)")]
    [InlineData("--temperature", "0.5", "temperature 0 (this run: 0.5)")]
    public void Resume_with_other_settings_is_refused_before_anything_is_written(string option, string value, string message)
    {
        var before = WriteThreeRecords();
        var args = Eval("--resume").ToList();
        int at = args.IndexOf(option);
        if (at >= 0)
            args[at + 1] = value;
        else
            args.AddRange([option, value]);

        var result = CliRunner.Run([.. args]);

        OneErrorLine(result, message, "--overwrite");
        File.ReadAllBytes(_results).Should().Equal(before);
        var again = CliRunner.Run(Eval("--resume"));
        again.ExitCode.Should().Be(0, "a refused resume leaves the file resumable: " + again.Stderr);
    }

    [Fact]
    public void Resume_with_another_problems_file_is_refused()
    {
        var before = WriteThreeRecords();
        File.WriteAllText(_problems, "{\"numbers\":[2,3,5,7],\"target\":30}\n{\"numbers\":[1,2,3,4],\"target\":10}\n{\"numbers\":[5,6,7,8],\"target\":26}\n");

        var result = CliRunner.Run(Eval("--resume"));

        OneErrorLine(result, "problems_sha256");
        File.ReadAllBytes(_results).Should().Equal(before);
    }

    [Fact]
    public void A_second_writer_is_stopped_with_a_clear_error()
    {
        var before = WriteThreeRecords();
        var settings = JsonNode.Parse(File.ReadLines(_results).First())!["settings"]!.AsObject();

        using (ResultsFile.Open(_results, settings, ResultsFileMode.Resume))   // another eval writing the same --out
        {
            var result = CliRunner.Run(Eval("--resume"));
            OneErrorLine(result, "another process is writing", _results);
        }

        File.ReadAllBytes(_results).Should().Equal(before);
    }

    [Fact]
    public void Garbage_lines_are_reported_by_number_and_kept_aside_on_resume()
    {
        WriteThreeRecords();
        var lines = File.ReadAllLines(_results).ToList();   // header, records 0, 1, 2
        string kept = lines[3];
        lines.RemoveAt(2);                                  // record 1 lost
        lines.Insert(2, "garbage one");                     // line 3
        lines.Add("{\"half\":");                            // line 5
        File.WriteAllText(_results, string.Join("\n", lines) + "\n");

        var result = CliRunner.Run(Eval("--resume"));

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stderr.Should().Contain("warning: 2 lines of " + _results + " are not records (lines 3, 5;");
        File.ReadAllLines(_results + ".rejected").Should().Equal("garbage one", "{\"half\":");
        RecordIndices().Should().BeEquivalentTo([0, 1, 2]);
        File.ReadAllLines(_results).Should().Contain(kept, "the record after the garbage is kept as it was");
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("problems").GetInt32().Should().Be(3);
    }

    [Fact]
    public void A_file_without_a_header_still_resumes()
    {
        WriteThreeRecords();
        var lines = File.ReadAllLines(_results);
        File.WriteAllText(_results, lines[1] + "\n" + lines[2] + "\n");   // as written before headers: records 0 and 1

        var wrongArgs = Eval("--resume");
        wrongArgs[Array.IndexOf(wrongArgs, "--context") + 1] = "96";
        var wrong = CliRunner.Run(wrongArgs);
        OneErrorLine(wrong, "context 64 (this run: 96)");

        var result = CliRunner.Run(Eval("--resume"));

        result.ExitCode.Should().Be(0, result.Stderr);
        var after = File.ReadAllLines(_results);
        after[0].Should().StartWith("{\"reason_results\":1");
        after[1].Should().Be(lines[1]);
        after[2].Should().Be(lines[2]);
        RecordIndices().Should().Equal(0, 1, 2);
    }

    [Fact]
    public void A_records_problem_must_be_the_problem_at_its_index()
    {
        WriteThreeRecords();
        var lines = File.ReadAllLines(_results);
        File.WriteAllText(_results, lines[1] + "\n");   // an old file: no header, so no problems hash to compare
        File.WriteAllText(_problems, "{\"numbers\":[2,3,5,7],\"target\":30}\n");
        var before = File.ReadAllBytes(_results);

        var result = CliRunner.Run(Eval("--resume"));

        OneErrorLine(result, "record 0 does not belong", "[2,3,5,7] -> 30");
        File.ReadAllBytes(_results).Should().Equal(before);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100000")]
    public void A_context_outside_the_models_window_is_refused_and_nothing_written(string context)
    {
        var result = CliRunner.Run(["eval", "countdown", "--problems", _problems, "--strategy", "sos", "--model", CliRunner.Fixture("tiny-qwen3"),
            "--context", context, "--out", _results]);

        OneErrorLine(result, $"--context {context} is outside 32-2048 tokens");
        File.Exists(_results).Should().BeFalse();
    }

    [Fact]
    public void Eval_report_reads_both_forms_and_names_lines_that_are_not_records()
    {
        WriteThreeRecords();
        string legacy = Path.Combine(_dir, "old.jsonl");
        File.WriteAllText(legacy, string.Join("\n", File.ReadAllLines(_results).Skip(1)) + "\nnonsense\n");

        var result = CliRunner.Run("eval", "report", _results, legacy);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stderr.Should().Contain($"warning: {legacy}: 1 line is not a record (line 4)");
        result.Stdout.Split('\n').Count(l => l.StartsWith("| sos | 64 | 3 |", StringComparison.Ordinal)).Should().Be(2);
    }
}
