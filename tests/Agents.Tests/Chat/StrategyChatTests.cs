using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Sampling;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// <c>reasoning_strategy</c> as a chat option on a real engine. References: the plain (no strategy) answer, bare
/// engine runs with each trace's seed, the tree's own token counts, and a majority vote counted here.
/// </summary>
public sealed class StrategyChatTests : IDisposable
{
    // tiny-llama writes varied text, so answers are not all blank and the vote has something to count.
    private readonly TinyChatEngine _tiny = new("tiny-llama");
    private readonly ReasoningChatClient _client;
    private static readonly List<ChatMessage> Question = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello there")];

    public StrategyChatTests() => _client = new ReasoningChatClient(_tiny.Engine, _tiny.Tokenizer);

    public void Dispose()
    {
        _client.Dispose();
        _tiny.Dispose();
    }

    private static ChatOptions With(string strategy, int maxTokens, float temperature = 0, long seed = 0) => new()
    {
        MaxOutputTokens = maxTokens,
        Temperature = temperature,
        Seed = seed,
        AdditionalProperties = new() { [ChatPropertyNames.ReasoningStrategy] = strategy },
    };

    private static JsonObject Tree(ChatResponse response) => (JsonObject)response.AdditionalProperties![ChatPropertyNames.ReasoningTree]!;

    private static IEnumerable<JsonObject> Nodes(JsonObject node) =>
        new[] { node }.Concat(node["children"]!.AsArray().SelectMany(c => Nodes((JsonObject)c!)));

    [Fact(Timeout = 60_000)]
    public async Task Sos_answers_what_a_plain_generation_answers()
    {
        var plain = await _client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 12 });

        var sos = await _client.GetResponseAsync(Question, With("sos", 12));

        sos.Text.Should().Be(plain.Text);
        sos.Usage!.InputTokenCount.Should().Be(plain.Usage!.InputTokenCount);
        sos.Usage.OutputTokenCount.Should().Be(plain.Usage.OutputTokenCount);
        sos.FinishReason.Should().Be(plain.FinishReason);
        sos.AdditionalProperties![ChatPropertyNames.ReasoningStrategy].Should().Be("sos");
        Tree(sos)["generated_tokens"]!.GetValue<int>().Should().Be((int)plain.Usage.OutputTokenCount!);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cons_at_n_runs_n_traces_with_consecutive_seeds_and_answers_the_majority()
    {
        const long seed = 11;
        var response = await _client.GetResponseAsync(Question, With("cons@3", 8, temperature: 1f, seed: seed));

        var tree = Tree(response);
        var traces = tree["children"]!.AsArray().Select(c => (JsonObject)c!).ToList();
        traces.Should().HaveCount(3);
        var prompt = _client.RenderPrompt(Question);
        for (var i = 0; i < 3; i++)
        {
            // Trace i samples with seed + i, mixed with its thread id (i + 1) as every thread's stream is (ReasoningThread).
            var ids = _tiny.Tokenizer.Encode(prompt, addSpecialTokens: false);
            using var sequence = _tiny.Engine.CreateSequence();
            var direct = await sequence.GenerateToEndAsync(ids, new SamplingOptions { Temperature = 1f, Seed = (ulong)(seed + i) ^ (ulong)(i + 1) * 0x9E3779B97F4A7C15UL, MaxTokens = 8, StopTokenIds = _tiny.Tokenizer.EosTokenIds });
            traces[i]["generated_tokens"]!.GetValue<int>().Should().Be(direct.Tokens.Count, $"trace {i}");
            traces[i]["text"]!.GetValue<string>().Should().Be(prompt + _tiny.Tokenizer.Decode(direct.Tokens.Select(t => t.Id)), $"trace {i}");
        }
        response.Usage!.OutputTokenCount.Should().Be(Nodes(tree).Sum(n => n["generated_tokens"]!.GetValue<int>()));
        response.Usage.InputTokenCount.Should().Be(_tiny.Tokenizer.Encode(prompt, addSpecialTokens: false).Count);

        var answers = ((JsonArray)response.AdditionalProperties![ChatPropertyNames.ReasoningAnswers]!).Select(a => a?.GetValue<string>()).ToList();
        answers.Should().HaveCount(3);
        var chosen = (int)response.AdditionalProperties[ChatPropertyNames.ReasoningChosen]!;
        chosen.Should().Be(MajorityHere(answers));
    }

    [Fact(Timeout = 60_000)]
    public async Task Greedy_cons_traces_agree_and_the_answer_is_the_plain_answer()
    {
        var plain = await _client.GetResponseAsync(Question, new ChatOptions { MaxOutputTokens = 10 });

        var cons = await _client.GetResponseAsync(Question, With("cons@4", 10));

        plain.Text.Trim().Should().NotBeEmpty();
        cons.Text.Should().Be(plain.Text);
        var answers = ((JsonArray)cons.AdditionalProperties![ChatPropertyNames.ReasoningAnswers]!).Select(a => a?.GetValue<string>()).ToList();
        answers.Should().HaveCount(4).And.OnlyContain(a => a == answers[0]);
        cons.Usage!.OutputTokenCount.Should().Be(4 * plain.Usage!.OutputTokenCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task Streaming_a_strategy_sends_the_run_events_then_the_answer_and_the_tree()
    {
        var options = With("cons@2", 6, temperature: 0.8f, seed: 3);
        var whole = await _client.GetResponseAsync(Question, options);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Question, options))
            updates.Add(update);

        var events = updates.Where(u => u.AdditionalProperties?.ContainsKey(ChatPropertyNames.ReasoningEvent) == true)
            .Select(u => (JsonObject)u.AdditionalProperties![ChatPropertyNames.ReasoningEvent]!).ToList();
        events.Count(e => e["type"]!.GetValue<string>() == "started").Should().Be(3, "the prompt thread and two traces");
        events.Count(e => e["type"]!.GetValue<string>() == "ended").Should().Be(3);
        events[0]["thread"]!.GetValue<int>().Should().Be(0);
        var last = updates[^1];
        last.AdditionalProperties![ChatPropertyNames.ReasoningTree].Should().BeOfType<JsonObject>();
        updates.ToChatResponse().Text.Should().Be(whole.Text);
        last.FinishReason.Should().Be(whole.FinishReason);
        last.Contents.OfType<UsageContent>().Single().Details.OutputTokenCount.Should().Be(whole.Usage!.OutputTokenCount);
    }

    [Theory]
    [InlineData("apr", "*APR*sub search*cons@N*")]
    [InlineData("pass@2", "*pass@N*verifier*")]
    [InlineData("cons@0", "*unknown strategy 'cons@0'*")]
    public async Task Strategies_a_chat_prompt_cannot_serve_are_typed_errors(string strategy, string message)
    {
        await _client.Invoking(c => c.GetResponseAsync(Question, With(strategy, 4))).Should().ThrowAsync<InvalidRequestException>().WithMessage(message);
        _client.Invoking(c => c.GetStreamingResponseAsync(Question, With(strategy, 4))).Should().Throw<InvalidRequestException>().WithMessage(message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_strategy_run_returns_every_page()
    {
        int free = _tiny.Engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();

        // Cancelled at the run's first event, while its threads hold pages: a timer could fire after a short run ended.
        var act = async () =>
        {
            await foreach (var update in _client.GetStreamingResponseAsync(Question, With("cons@3", 1500, temperature: 1f), cts.Token))
                if (update.AdditionalProperties?.ContainsKey(ChatPropertyNames.ReasoningEvent) == true)
                    cts.Cancel();
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        _tiny.Engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_reader_that_stops_reading_a_strategy_stream_early_gets_every_page_back()
    {
        int free = _tiny.Engine.Pool.FreeCount;

        await foreach (var update in _client.GetStreamingResponseAsync(Question, With("cons@3", 1500, temperature: 1f)))
            if (update.AdditionalProperties?.ContainsKey(ChatPropertyNames.ReasoningEvent) == true)
                break;

        _tiny.Engine.Pool.FreeCount.Should().Be(free);
    }

    /// <summary>A task that verifies traces whose answer has an even number of characters.</summary>
    private sealed class EvenLengthTask(string prompt) : Reasoning.Orchestrator.IReasoningTask
    {
        public string Prompt(Reasoning.Orchestrator.PromptStyle style) => prompt;
        public string BuildChildContext(string parentTrace, Reasoning.Orchestrator.Apr.AprChildCall call) => throw new NotSupportedException();
        public string? AnswerOf(string trace) => trace[prompt.Length..];
        public bool Verify(string trace) => (trace.Length - prompt.Length) % 2 == 0;
    }

    [Fact(Timeout = 60_000)]
    public async Task A_task_factory_lets_strategies_that_need_a_verifier_run()
    {
        using var client = new ReasoningChatClient(_tiny.Engine, _tiny.Tokenizer, new ReasoningChatClientOptions { TaskFactory = p => new EvenLengthTask(p) });

        var response = await client.GetResponseAsync(Question, With("pass@4", 6, temperature: 1f, seed: 2));

        var traces = Tree(response)["children"]!.AsArray().Select(c => c!["text"]!.GetValue<string>()).ToList();
        var prompt = client.RenderPrompt(Question);
        var firstEven = traces.FindIndex(t => (t.Length - prompt.Length) % 2 == 0);
        ((int)response.AdditionalProperties![ChatPropertyNames.ReasoningChosen]!).Should().Be(firstEven);
    }

    /// <summary>The majority rule written out: most votes; on a tie the answer whose first trace comes first; −1 with no answers.</summary>
    private static int MajorityHere(IReadOnlyList<string?> answers)
    {
        var best = -1;
        var bestVotes = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i] is null || answers.Take(i).Contains(answers[i]))
                continue;
            var votes = answers.Count(a => a == answers[i]);
            if (votes > bestVotes)
            {
                best = i;
                bestVotes = votes;
            }
        }
        return best;
    }
}
