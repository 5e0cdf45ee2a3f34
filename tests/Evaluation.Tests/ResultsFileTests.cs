using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using Reasoning.TestSupport;
using Xunit;

namespace Reasoning.Evaluation.Tests;

public sealed class ResultsFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "reasoning-results-" + Guid.NewGuid().ToString("N"));
    private readonly string _path;

    public ResultsFileTests()
    {
        Directory.CreateDirectory(_dir);
        _path = Path.Combine(_dir, "r.jsonl");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Settings(string strategy = "sos", int context = 1024) =>
        new() { ["task"] = "countdown", ["strategy"] = strategy, ["context"] = context, ["problems_sha256"] = "abc" };

    private static JsonObject Record(int index, string strategy = "sos", int context = 1024) =>
        new() { ["index"] = index, ["strategy"] = strategy, ["context"] = context, ["verified"] = index % 2 == 0 };

    private void Write(int count)
    {
        using var file = ResultsFile.Open(_path, Settings(), ResultsFileMode.New);
        for (int i = 0; i < count; i++)
            file.Append(Record(i));
    }

    private static IEnumerable<int> Indices(string path) => File.ReadAllLines(path).Skip(1).Select(l => JsonNode.Parse(l)!["index"]!.GetValue<int>());

    [Fact]
    public void The_first_line_records_the_settings()
    {
        Write(2);

        var lines = File.ReadAllLines(_path);
        lines.Should().HaveCount(3);
        var header = JsonNode.Parse(lines[0])!.AsObject();
        header[ResultsFile.HeaderKey]!.GetValue<int>().Should().Be(1);
        header["settings"]!.ToJsonString().Should().Be("{\"task\":\"countdown\",\"strategy\":\"sos\",\"context\":1024,\"problems_sha256\":\"abc\"}");
        ResultsFile.Read(_path).Settings!.ToJsonString().Should().Be(header["settings"]!.ToJsonString());
    }

    [Fact]
    public void Resuming_after_a_kill_mid_write_loses_and_duplicates_nothing()
    {
        Write(3);
        File.AppendAllText(_path, "{\"index\":3,\"verif");   // the process died while writing item 3

        using (var resumed = ResultsFile.Open(_path, Settings(), ResultsFileMode.Resume))
        {
            resumed.Existing.Keys.Should().BeEquivalentTo([0, 1, 2]);
            resumed.Rejected.Should().ContainSingle().Which.Line.Should().Be(5);
            resumed.Append(Record(3));
        }

        Indices(_path).Should().Equal(0, 1, 2, 3);
        File.ReadAllText(_path + ".rejected").Should().Be("{\"index\":3,\"verif\n", "the torn line is kept aside, not dropped");
    }

    [Fact]
    public void Garbage_lines_are_reported_and_kept_aside_and_the_records_after_them_kept()
    {
        Write(3);
        var lines = File.ReadAllLines(_path).ToList();
        lines.Insert(2, "not json");
        lines.Insert(4, "{\"no_index\":1}");
        File.WriteAllText(_path, string.Join("\n", lines) + "\n");
        // line 1 header, 2 record 0, 3 garbage, 4 record 1, 5 garbage, 6 record 2

        using (var resumed = ResultsFile.Open(_path, Settings(), ResultsFileMode.Resume))
        {
            resumed.Existing.Keys.Should().BeEquivalentTo([0, 1, 2]);
            resumed.Rejected.Select(r => r.Line).Should().Equal(3, 5);
        }

        File.ReadAllLines(_path + ".rejected").Should().Equal("not json", "{\"no_index\":1}");
        Indices(_path).Should().Equal(0, 1, 2);
        ResultsFile.Read(_path).Rejected.Should().BeEmpty("the file was rewritten without them");
    }

    [Fact]
    public void An_existing_file_is_refused_without_resume_or_overwrite_and_left_unchanged()
    {
        Write(2);
        var before = File.ReadAllBytes(_path);

        var act = () => ResultsFile.Open(_path, Settings(), ResultsFileMode.New);

        act.Should().Throw<ResultsFileException>().WithMessage("*already holds 2 records*--resume*--overwrite*");
        File.ReadAllBytes(_path).Should().Equal(before);
        File.Exists(_path + ".lock").Should().BeFalse("a refused open releases its lock");
    }

    [Fact]
    public void Overwrite_replaces_an_old_file()
    {
        Write(2);
        using (var file = ResultsFile.Open(_path, Settings(), ResultsFileMode.Overwrite))
            file.Existing.Should().BeEmpty();
        File.ReadAllLines(_path).Should().ContainSingle().Which.Should().StartWith("{\"reason_results\":1");
    }

    [Theory]
    [InlineData("apr", 1024, "strategy sos (this run: apr)")]
    [InlineData("sos", 2048, "context 1024 (this run: 2048)")]
    public void Resuming_with_other_settings_is_refused_before_anything_is_written(string strategy, int context, string message)
    {
        Write(2);
        File.AppendAllText(_path, "garbage\n");
        var before = File.ReadAllBytes(_path);

        var act = () => ResultsFile.Open(_path, Settings(strategy, context), ResultsFileMode.Resume);

        act.Should().Throw<ResultsFileException>().WithMessage($"*{message}*");
        File.ReadAllBytes(_path).Should().Equal(before);
        File.Exists(_path + ".rejected").Should().BeFalse();
    }

    [Fact]
    public void A_record_the_caller_disowns_is_refused_before_anything_is_written()
    {
        Write(3);
        var before = File.ReadAllBytes(_path);

        var act = () => ResultsFile.Open(_path, Settings(), ResultsFileMode.Resume, checkRecord: r => r["index"]!.GetValue<int>() == 1 ? "another problem" : null);

        act.Should().Throw<ResultsFileException>().WithMessage("*record 1 does not belong*another problem*");
        File.ReadAllBytes(_path).Should().Equal(before);
    }

    [Fact]
    public void A_second_writer_is_stopped_with_a_clear_error()
    {
        using (var first = ResultsFile.Open(_path, Settings(), ResultsFileMode.New))
        {
            first.Append(Record(0));
            var act = () => ResultsFile.Open(_path, Settings(), ResultsFileMode.Resume);
            act.Should().Throw<ResultsFileException>().WithMessage("*another process is writing*");
            first.Append(Record(1));
        }

        Indices(_path).Should().Equal(0, 1);
        using var again = ResultsFile.Open(_path, Settings(), ResultsFileMode.Resume);
        again.Existing.Keys.Should().BeEquivalentTo([0, 1]);
    }

    [Fact]
    public void A_file_written_before_headers_resumes_with_its_settings_read_from_its_records()
    {
        // The first lines of a real results file written before the header existed (apr at a 2k context).
        var old = File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "results", "apr-2k.jsonl")).Take(4).ToList();
        File.WriteAllText(_path, string.Join("\n", old) + "\n");
        var oldIndices = old.Select(l => JsonNode.Parse(l)!["index"]!.GetValue<int>()).ToList();
        var before = File.ReadAllBytes(_path);

        var wrong = () => ResultsFile.Open(_path, Settings("apr", 4096), ResultsFileMode.Resume);
        wrong.Should().Throw<ResultsFileException>().WithMessage("*context 2048 (this run: 4096)*");
        File.ReadAllBytes(_path).Should().Equal(before);

        using (var resumed = ResultsFile.Open(_path, Settings("apr", 2048), ResultsFileMode.Resume))
            resumed.Existing.Keys.Should().BeEquivalentTo(oldIndices);

        var lines = File.ReadAllLines(_path);
        lines[0].Should().StartWith("{\"reason_results\":1", "the file gains its header");
        lines.Skip(1).Select(l => JsonNode.Parse(l)!.ToJsonString()).Should().Equal(old.Select(l => JsonNode.Parse(l)!.ToJsonString()));
    }

    [Fact]
    public void Both_forms_read_the_same_records()
    {
        var old = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "results", "apr-2k.jsonl"));
        File.WriteAllText(_path, string.Join("\n", old) + "\n");
        var legacy = ResultsFile.Read(_path);
        using (ResultsFile.Open(_path, Settings("apr", 2048), ResultsFileMode.Resume))
        {
        }
        var upgraded = ResultsFile.Read(_path);

        legacy.Settings.Should().BeNull();
        upgraded.Settings.Should().NotBeNull();
        legacy.Records.Should().HaveCount(old.Length);
        upgraded.Records.Select(r => r.ToJsonString()).Should().Equal(legacy.Records.Select(r => r.ToJsonString()));
        var a = EvaluationSummary.FromRecords(legacy.Records);
        a.Should().BeEquivalentTo(EvaluationSummary.Load(_path), o => o.Excluding(s => s.Rejected));
    }

    [Fact]
    public void A_summary_of_an_old_file_counts_what_its_lines_say()
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "results", "apr-2k.jsonl");
        var text = File.ReadAllText(path, Encoding.UTF8);

        var s = EvaluationSummary.Load(path);

        s.Problems.Should().Be(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        s.Correct.Should().Be(CountOf(text, "\"verified\":true"));
        s.Strategy.Should().Be("apr");
        s.Context.Should().Be(2048);
    }

    [Fact]
    public void A_record_marked_correct_counts_though_nothing_verified()
    {
        var records = new List<JsonObject> { Record(0), Record(1), Record(2) };
        foreach (var r in records)
            (r["total_tokens"], r["sequential_tokens"], r["elapsed_ms"]) = (1, 1, 1);
        records[1]["correct"] = true;      // an unsolvable problem the model said has no solution
        records[2]["correct"] = false;     // verified false already; correct agrees

        EvaluationSummary.FromRecords(records).Correct.Should().Be(2);   // record 0 is verified and has no "correct"
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
            n++;
        return n;
    }
}
