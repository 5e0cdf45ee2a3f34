using System.Text.Json.Nodes;
using System.Xml.Linq;
using FluentAssertions;
using Reasoning.Evaluation;
using Reasoning.Evaluation.Reports;
using Xunit;

namespace Reasoning.Evaluation.Tests;

public sealed class EvaluationReportTests
{
    private static JsonObject Record(int index, string strategy, int context, bool verified, int total, int sequential, double ms) => new()
    {
        ["index"] = index, ["strategy"] = strategy, ["context"] = context, ["verified"] = verified,
        ["total_tokens"] = total, ["sequential_tokens"] = sequential, ["elapsed_ms"] = ms,
    };

    [Fact]
    public void A_summary_counts_accepted_solutions_and_averages_by_hand()
    {
        var records = new List<JsonObject>
        {
            Record(0, "apr", 1024, true, 100, 40, 10),
            Record(1, "apr", 1024, false, 300, 60, 30),
            Record(2, "apr", 1024, true, 200, 50, 20),
            Record(3, "apr", 1024, false, 400, 250, 140),
        };
        var s = EvaluationSummary.FromRecords(records);
        s.Problems.Should().Be(4);
        s.Correct.Should().Be(2);
        s.Accuracy.Should().Be(0.5);
        s.MeanTotalTokens.Should().Be(250);
        s.MeanSequentialTokens.Should().Be(100);
        s.MeanLatencyMs.Should().Be(50);
        s.Parallel.Should().Be(1);
    }

    [Theory]
    // Wilson score intervals at z = 1.96 computed by hand: p̂ = 0.5, n = 100 → 0.4038–0.5962; 0 of 10 → 0–0.2775;
    // 9 of 10 → 0.5958–0.9821.
    [InlineData(50, 100, 0.4038, 0.5962)]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(9, 10, 0.5958, 0.9821)]
    public void The_accuracy_interval_is_the_Wilson_interval(int correct, int n, double low, double high)
    {
        var s = new EvaluationSummary("sos", 4096, n, correct, 0, 0, 0, 1);
        s.AccuracyInterval.Low.Should().BeApproximately(low, 1e-4);
        s.AccuracyInterval.High.Should().BeApproximately(high, 1e-4);
    }

    [Fact]
    public void Records_of_two_evaluations_are_refused()
    {
        var act = () => EvaluationSummary.FromRecords([Record(0, "apr", 1024, true, 1, 1, 1), Record(1, "sos", 1024, true, 1, 1, 1)], "mixed.jsonl");
        act.Should().Throw<ArgumentException>().WithMessage("*mixed.jsonl mixes strategies*");
    }

    [Fact]
    public void A_record_without_a_field_names_it()
    {
        var bad = Record(0, "apr", 1024, true, 1, 1, 1);
        bad.Remove("elapsed_ms");
        var act = () => EvaluationSummary.FromRecords([bad], "old.jsonl");
        act.Should().Throw<ArgumentException>().WithMessage("*old.jsonl has no \"elapsed_ms\"*");
    }

    [Fact]
    public void The_plot_is_valid_SVG_with_one_line_per_strategy_and_one_point_per_evaluation()
    {
        var summaries = new[]
        {
            new EvaluationSummary("apr", 1024, 100, 30, 900, 300, 1000, 1),
            new EvaluationSummary("apr", 4096, 100, 50, 3000, 900, 3000, 1),
            new EvaluationSummary("sos", 1024, 100, 10, 800, 800, 2000, 1),
            new EvaluationSummary("sos", 2048, 100, 20, 1500, 1500, 4000, 1),
            new EvaluationSummary("sos", 4096, 100, 40, 2500, 2500, 7000, 1),
        };
        var svg = XDocument.Parse(ComparisonReport.Plot(summaries, s => s.MeanTotalTokens, "tokens", "a <title> & more"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        svg.Descendants(ns + "polyline").Should().HaveCount(2);
        svg.Descendants(ns + "circle").Should().HaveCount(5);
        var aprLine = svg.Descendants(ns + "polyline").First().Attribute("points")!.Value.Split(' ');
        aprLine.Should().HaveCount(2);
        // x axis ends at 5,000 tokens (the nice ceiling of 3,000): the apr 4k point sits at 60% of the plot's width.
        double x = double.Parse(aprLine[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
        x.Should().BeApproximately(70 + 0.6 * (640 - 70 - 150), 0.1);
    }

    [Theory]
    [InlineData(3.2, 5)]
    [InlineData(0.31, 0.5)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 2000)]
    [InlineData(2400, 2500)]
    public void Axis_ends_are_round(double v, double expected) => ComparisonReport.NiceCeiling(v).Should().BeApproximately(expected, 1e-9);

    [Fact]
    public void The_table_has_a_row_per_evaluation_in_strategy_then_context_order()
    {
        var table = ComparisonReport.MarkdownTable([
            new EvaluationSummary("sos", 4096, 10, 5, 2500, 2500, 7000, 1),
            new EvaluationSummary("apr", 4096, 10, 6, 3000, 900, 3000, 1),
            new EvaluationSummary("apr", 1024, 10, 3, 900, 300, 1000, 1)]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        table.Should().HaveCount(5);
        table[2].Should().StartWith("| apr | 1024 | 10 | 30.0% |");
        table[3].Should().StartWith("| apr | 4096 | 10 | 60.0% |");
        table[4].Should().StartWith("| sos | 4096 |");
    }

    [Fact]
    public void A_summary_names_the_machines_its_records_ran_on_and_the_table_warns_when_they_differ()
    {
        var records = new List<JsonObject> { Record(0, "apr", 4096, true, 100, 40, 10), Record(1, "apr", 4096, false, 300, 60, 30), Record(2, "apr", 4096, false, 200, 50, 20) };
        EvaluationSummary.FromRecords(records).Machines.Should().Equal(EvaluationSummary.UnrecordedMachine);
        records[1]["machine"] = "AMD EPYC (family 26, model 2), 2 logical cores";
        records[2]["machine"] = "AMD EPYC (family 26, model 2), 2 logical cores";
        var mixed = EvaluationSummary.FromRecords(records);
        mixed.Machines.Should().Equal(EvaluationSummary.UnrecordedMachine, "AMD EPYC (family 26, model 2), 2 logical cores");
        mixed.ToJson()["machines"]!.AsArray().Should().HaveCount(2);
        ComparisonReport.MarkdownTable([mixed]).Should().Contain("The mean latency of apr at 4096 mixes records from 2 machines");

        records[0]["machine"] = "AMD EPYC (family 26, model 2), 2 logical cores";
        var one = EvaluationSummary.FromRecords(records);
        one.Machines.Should().HaveCount(1);
        ComparisonReport.MarkdownTable([one]).Should().NotContain("mixes records");
    }

    [Fact]
    public void Reading_a_results_file_ignores_a_torn_last_line()
    {
        string path = Path.Combine(Path.GetTempPath(), $"results-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path, Record(0, "apr", 1024, true, 1, 1, 1).ToJsonString() + "\n" + Record(1, "apr", 1024, false, 3, 3, 3).ToJsonString() + "\n{\"index\":2,\"stra");
            ResultsFile.Read(path).Records.Should().HaveCount(2);
            var summary = EvaluationSummary.Load(path);
            summary.Problems.Should().Be(2);
            summary.Rejected.Should().ContainSingle().Which.Line.Should().Be(3, "the torn line is named, not silently dropped");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
