using FluentAssertions;
using Xunit;

namespace Reasoning.Fuzz.Tests;

/// <summary>The harness itself can fail: a crash, a printed stack trace and a hang are each reported as such.</summary>
public sealed class HarnessTests
{
    private static async Task<FuzzReport> CliOnly(Func<string[], CliRun> cli, int cases = 20, double timeoutSeconds = 20)
    {
        using var harness = FuzzSampleTests.Harness(cli, ["cli-args"], TimeSpan.FromSeconds(timeoutSeconds));
        return await harness.RunAsync(cases, 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_exception_out_of_the_command_line_is_a_crash()
    {
        var report = await CliOnly(_ => throw new InvalidOperationException("boom"));
        report.Count(OutcomeKind.Crash).Should().Be(20);
        report.Findings.Should().OnlyContain(f => f.Detail == "InvalidOperationException" && f.Input.Contains("boom"));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("Unhandled exception. System.ArgumentException: x")]
    [InlineData("error\n   at Reasoning.Cli.Foo.Bar(String x)\n")]
    [InlineData("error in /src/Cli/Foo.cs:line 12")]
    public async Task A_printed_stack_trace_is_a_crash_whatever_the_exit_code(string printed)
    {
        var report = await CliOnly(_ => new CliRun(2, printed));
        report.Count(OutcomeKind.Crash).Should().Be(20);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_clear_error_line_is_a_typed_error_and_exit_zero_a_result()
    {
        var errors = await CliOnly(_ => new CliRun(2, "error: --count must be at least 1.\n"));
        errors.Count(OutcomeKind.TypedError).Should().Be(20);
        var results = await CliOnly(_ => new CliRun(0, "ok\n"));
        results.Count(OutcomeKind.Result).Should().Be(20);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_case_past_its_time_limit_is_a_hang_and_the_run_goes_on()
    {
        int calls = 0;
        var report = await CliOnly(_ => Interlocked.Increment(ref calls) == 2 ? Hang() : new CliRun(0, ""), cases: 4, timeoutSeconds: 1);
        report.Count(OutcomeKind.Hang).Should().Be(1);
        report.Count(OutcomeKind.Result).Should().Be(3);
        report.Findings.Single().Input.Should().StartWith("[case 1]");
    }

    private static CliRun Hang()
    {
        Thread.Sleep(TimeSpan.FromSeconds(5));
        return new CliRun(0, "");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_case_runs_the_same_alone_as_in_its_run()
    {
        using var harness = FuzzSampleTests.Harness(categories: ["apr-format", "countdown-trace", "apr-runtime"]);
        var run = await harness.RunAsync(30, 99);
        var again = new List<FuzzOutcome>();
        for (int i = 0; i < 30; i++)
            again.Add(await harness.RunCaseAsync(i, 99));
        var counts = again.GroupBy(o => (o.Category, o.Kind)).ToDictionary(g => g.Key, g => g.Count());
        counts.Values.Sum().Should().Be(run.Cases);
        (await harness.RunCaseAsync(7, 99)).Should().Be(again[7]);
    }
}
