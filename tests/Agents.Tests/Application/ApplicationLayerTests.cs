using FluentAssertions;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reasoning.Agents.Application;
using Reasoning.Engine.Errors;
using Xunit;

namespace Reasoning.Agents.Tests.Application;

/// <summary>The requests through the generated mediator: handlers against the solver and the engine called directly, the behaviours' refusals and logs.</summary>
public sealed class ApplicationLayerTests
{
    private static ServiceProvider Services(ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        if (logs is not null)
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        return services.AddReasoningApplication(new ReasoningHostOptions { ModelDirectory = Direct.Tiny }).BuildServiceProvider();
    }

    [Fact(Timeout = 60_000)]
    public async Task SolveCountdown_gives_what_the_solver_gives_when_called_directly()
    {
        using var services = Services();
        var sent = await services.GetRequiredService<ISender>().Send(new SolveCountdown([44, 19, 35, 73], 98, "sos") { Context = 200 });
        var direct = await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 200);

        sent.Solve.TotalTokens.Should().Be(direct.TotalTokens).And.BePositive();
        sent.Solve.Reason.Should().Be(direct.Reason);
        sent.Solve.Trace.Should().Be(direct.Trace);
        var json = sent.ToJson();
        json["usage"]!["total_tokens"]!.GetValue<long>().Should().Be(direct.TotalTokens);
        json["tree"]!["text"]!.GetValue<string>().Should().Be(direct.Tree["text"]!.GetValue<string>());
        sent.Warnings.Should().BeEmpty("44,19,35,73 → 98 is in the training range");
    }

    [Theory]
    [InlineData("beam", new[] { 1, 2, 3, 4 }, 10, "unknown strategy 'beam'")]
    [InlineData("sos", new[] { 7 }, 10, "has 1 numbers; a Countdown problem has 2 to 6")]
    [InlineData("sos", new[] { 1, 0, 3 }, 10, "the numbers must be from 1 to 1,000,000; got [1, 0, 3]")]
    [InlineData("sos", new[] { 1, 2, 3 }, 0, "the target must be from 1 to 1,000,000; got 0")]
    public async Task Bad_solve_arguments_are_refused_before_any_model_loads(string strategy, int[] numbers, int target, string phrase)
    {
        using var services = Services();
        // A model folder that does not exist: the refusal must come from the validation behaviour, before the handler loads anything.
        var act = async () => await services.GetRequiredService<ISender>().Send(new SolveCountdown(numbers, target, strategy) { Model = "/no/such/model" });
        (await act.Should().ThrowAsync<InvalidRequestException>()).Which.Message.Should().Contain(phrase);
    }

    [Fact]
    public async Task Too_many_thoughts_and_threads_are_refused()
    {
        using var services = Services();
        var sender = services.GetRequiredService<ISender>();
        (await FluentActions.Awaiting(async () => await sender.Send(new Explore("why?", Explore.MaxThoughts + 1))).Should().ThrowAsync<InvalidRequestException>())
            .Which.Message.Should().Contain("outside 1-64 thoughts");
        (await FluentActions.Awaiting(async () => await sender.Send(new SolveCountdown([1, 2, 3], 6) { Engine = new EngineSettings { Threads = Environment.ProcessorCount + 1 } }))
            .Should().ThrowAsync<InvalidRequestException>()).Which.Message.Should().Contain($"outside 0-{Environment.ProcessorCount}");
        (await FluentActions.Awaiting(async () => await sender.Send(new Reason("  "))).Should().ThrowAsync<InvalidRequestException>())
            .Which.Message.Should().Contain("the question is empty");
    }

    [Fact(Timeout = 60_000)]
    public async Task The_logging_behaviour_writes_each_outcome()
    {
        var logs = new ListLoggerProvider();
        using (var services = Services(logs))
        {
            var sender = services.GetRequiredService<ISender>();
            await sender.Send(new SolveCountdown([44, 19, 35, 73], 98, "sos") { Context = 64 });
            await FluentActions.Awaiting(async () => await sender.Send(new SolveCountdown([1, 2], 3, "beam"))).Should().ThrowAsync<InvalidRequestException>();
        }
        logs.Lines.Should().Contain(l => l.StartsWith("SolveCountdown done in ", StringComparison.Ordinal));
        logs.Lines.Should().Contain(l => l.StartsWith("SolveCountdown refused: unknown strategy 'beam'", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Reason_on_a_general_question_is_the_last_line_of_the_greedy_continuation()
    {
        using var services = Services();
        const string question = "Which is larger, 7 or 9?";
        var result = await services.GetRequiredService<ISender>().Send(new Reason(question, "sos", 40));
        string greedy = await Direct.GreedyAsync(Direct.Tiny, question + "\n", 40);

        result.Kind.Should().Be("text");
        result.Strategy.Should().Be("sos");
        result.Answer.Should().Be(Direct.LastLine(greedy));
        result.Verified.Should().BeNull("a general question has no checker");
        result.Threads.Should().Be(1);
        result.Summary.Should().StartWith("sos: 1 thread, ");
    }

    [Fact(Timeout = 60_000)]
    public async Task Greedy_explore_gives_n_copies_of_the_greedy_continuation_side_by_side()
    {
        using var services = Services();
        const string question = "Name a colour.";
        var result = await services.GetRequiredService<ISender>().Send(new Explore(question, 3) { Temperature = 0, Budget = 30 });
        string greedy = await Direct.GreedyAsync(Direct.Tiny, question + "\n", 30);

        result.Kind.Should().Be("text");
        result.Threads.Should().Be(4, "the prompt's thread and one per thought");
        result.Thoughts.Select(t => t.Index).Should().Equal(0, 1, 2);
        result.Thoughts.Should().OnlyContain(t => t.Text == greedy && t.Answer == Direct.LastLine(greedy) && t.Verified == null);
    }

    [Fact]
    public async Task A_general_question_needs_a_general_model_and_a_strategy_that_applies()
    {
        using (var bare = new ServiceCollection().AddReasoningApplication().BuildServiceProvider())
            (await FluentActions.Awaiting(async () => await bare.GetRequiredService<ISender>().Send(new Reason("What is the capital of France?"))).Should().ThrowAsync<InvalidRequestException>())
                .Which.Message.Should().Contain("needs a model folder").And.Contain("only answer Countdown questions");
        using var services = Services();
        (await FluentActions.Awaiting(async () => await services.GetRequiredService<ISender>().Send(new Reason("What is the capital of France?", "apr"))).Should().ThrowAsync<InvalidRequestException>())
            .Which.Message.Should().Contain("use sos (one greedy answer) or cons@N");
    }

    [Fact(Timeout = 60_000)]
    public async Task Reason_on_a_countdown_question_runs_the_solve()
    {
        using var services = Services();
        var result = await services.GetRequiredService<ISender>().Send(new Reason("numbers 44, 19, 35, 73 target 98", "sos", 200));
        var direct = await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 200);

        result.Kind.Should().Be("countdown");
        result.TotalTokens.Should().Be(direct.TotalTokens);
        result.Verified.Should().Be(direct.Verified);
        result.Summary.Should().StartWith("sos on 98:[44, 19, 35, 73]: 1 thread, ");
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0)]       // before the model loads
    [InlineData(300)]     // around the prefill
    [InlineData(1500)]    // while the thoughts decode
    public async Task Cancelling_a_long_explore_stops_it(int afterMilliseconds)
    {
        using var services = Services();
        using var cts = new CancellationTokenSource();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var progress = new Stamps(watch);
        cts.CancelAfter(afterMilliseconds);
        Exception? thrown = null;
        try
        {
            // Greedy on this SoS+ prompt the tiny model writes to the end of its 2048-token window without an end token
            // (`countdown solve --strategy sos --model tests/fixtures/models/tiny-qwen3` runs out of tokens): 16 such traces take many seconds.
            await services.GetRequiredService<ISender>().Send(new Explore("numbers 44, 19, 35, 73 target 98", 16) { Temperature = 0, Progress = progress }, cts.Token);
        }
        catch (Exception e)
        {
            thrown = e;
        }
        thrown.Should().BeAssignableTo<OperationCanceledException>($"a cancelled request ends in OperationCanceledException, whatever it was doing; got {thrown}");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "16 × 2000 tokens take far longer than the cancelled run");
    }

    [Fact(Timeout = 120_000)]
    public async Task Concurrent_requests_run_one_at_a_time()
    {
        using var services = Services();
        var sender = services.GetRequiredService<ISender>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var a = new Stamps(clock);
        var b = new Stamps(clock);
        await Task.WhenAll(
            sender.Send(new Explore("First question.", 2) { Budget = 300, Progress = a }).AsTask(),
            sender.Send(new Explore("Second question.", 2) { Budget = 300, Progress = b }).AsTask());

        a.Times.Should().NotBeEmpty();
        b.Times.Should().NotBeEmpty();
        // Every report of one run comes before every report of the other: the runs did not overlap.
        (a.Times.Max() < b.Times.Min() || b.Times.Max() < a.Times.Min()).Should().BeTrue(
            $"one run must end before the other starts; first: {a.Times.Min()}-{a.Times.Max()} ms, second: {b.Times.Min()}-{b.Times.Max()} ms");
    }

    private sealed class Stamps(System.Diagnostics.Stopwatch clock) : IProgress<RunProgress>
    {
        private readonly List<double> _times = [];
        public IReadOnlyList<double> Times { get { lock (_times) return [.. _times]; } }
        public void Report(RunProgress value)
        {
            lock (_times)
                _times.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<string> _lines = [];
        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }
        public ILogger CreateLogger(string categoryName) => new ListLogger(this);
        public void Dispose() { }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._lines)
                    owner._lines.Add(formatter(state, exception));
            }
        }
    }
}
