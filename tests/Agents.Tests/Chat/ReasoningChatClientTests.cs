using FluentAssertions;
using Microsoft.Extensions.AI;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Errors;
using Reasoning.Engine.Sampling;
using Xunit;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>
/// The client on a real engine (tiny-qwen2: random weights, real tokenizer and ChatML template). References: the
/// prompt written out by hand and encoded by the tokenizer, and the same tokens generated straight on an engine
/// sequence and decoded by the tokenizer.
/// </summary>
public sealed class ReasoningChatClientTests : IDisposable
{
    private readonly TinyChatEngine _tiny = new();
    private readonly ReasoningChatClient _client;

    public ReasoningChatClientTests() => _client = new ReasoningChatClient(_tiny.Engine, _tiny.Tokenizer);

    public void Dispose()
    {
        _client.Dispose();
        _tiny.Dispose();
    }

    private static readonly List<ChatMessage> Conversation = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello there")];
    private const string ConversationPrompt = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n";

    /// <summary>The reference: the prompt's tokens generated on a bare engine sequence, stopping at the tokenizer's EOS ids.</summary>
    private async Task<(int PromptTokens, List<int> Generated, string Text)> DirectAsync(string prompt, SamplingOptions sampling)
    {
        var ids = _tiny.Tokenizer.Encode(prompt, addSpecialTokens: false);
        using var sequence = _tiny.Engine.CreateSequence();
        var result = await sequence.GenerateToEndAsync(ids, sampling with { StopTokenIds = _tiny.Tokenizer.EosTokenIds });
        var generated = result.Tokens.Select(t => t.Id).ToList();
        return (ids.Count, generated, _tiny.Tokenizer.Decode(generated, skipSpecialTokens: true));
    }

    [Fact(Timeout = 60_000)]
    public async Task Usage_is_the_prompt_tokens_prefilled_and_the_tokens_generated()
    {
        _client.RenderPrompt(Conversation).Should().Be(ConversationPrompt);

        var response = await _client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 12, Temperature = 0 });

        var (promptTokens, generated, text) = await DirectAsync(ConversationPrompt, new SamplingOptions { MaxTokens = 12 });
        response.Usage!.InputTokenCount.Should().Be(promptTokens);
        response.Usage.OutputTokenCount.Should().Be(generated.Count);
        response.Usage.TotalTokenCount.Should().Be(promptTokens + generated.Count);
        response.Text.Should().Be(text);
        var hitEos = _tiny.Tokenizer.EosTokenIds.Contains(generated[^1]);
        response.FinishReason.Should().Be(hitEos ? ChatFinishReason.Stop : ChatFinishReason.Length);
        response.ModelId.Should().Be(_client.Options.ModelId);
    }

    [Theory(Timeout = 60_000)]
    [InlineData(0f, 0L)]
    [InlineData(0.9f, 7L)]
    [InlineData(1.3f, 12345L)]
    public async Task Streaming_yields_the_same_text_usage_and_finish_as_a_whole_response(float temperature, long seed)
    {
        var options = new ChatOptions { MaxOutputTokens = 16, Temperature = temperature, Seed = seed, TopP = 0.95f };

        var whole = await _client.GetResponseAsync(Conversation, options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Conversation, options))
            updates.Add(update);
        var streamed = updates.ToChatResponse();

        var (_, generated, text) = await DirectAsync(ConversationPrompt, new SamplingOptions { MaxTokens = 16, Temperature = temperature, Seed = (ulong)seed, TopP = 0.95f });
        whole.Text.Should().Be(text);
        string.Concat(updates.Select(u => u.Text)).Should().Be(text);
        streamed.Text.Should().Be(text);
        streamed.FinishReason.Should().Be(whole.FinishReason);
        streamed.Usage!.OutputTokenCount.Should().Be(generated.Count);
        streamed.Usage.InputTokenCount.Should().Be(whole.Usage!.InputTokenCount);
        updates.Count(u => u.Contents.OfType<UsageContent>().Any()).Should().Be(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task With_tools_offered_the_prompt_holds_them_and_streaming_still_equals_the_whole_answer()
    {
        var options = new ChatOptions { MaxOutputTokens = 12, Temperature = 0.7f, Seed = 3, Tools = [ChatPromptRendererTests.Weather()] };
        var prompt = _client.RenderPrompt(Conversation, options);
        prompt.Should().StartWith("<|im_start|>system\nBe brief.\n\n# Tools\n").And.EndWith("<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n");

        var whole = await _client.GetResponseAsync(Conversation, options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(Conversation, options))
            updates.Add(update);

        var (promptTokens, generated, text) = await DirectAsync(prompt, new SamplingOptions { MaxTokens = 12, Temperature = 0.7f, Seed = 3 });
        whole.Usage!.InputTokenCount.Should().Be(promptTokens);
        whole.Usage.OutputTokenCount.Should().Be(generated.Count);
        whole.Text.Should().Be(text, "a random model writes no <tool_call>, so the answer is its text");
        updates.ToChatResponse().Text.Should().Be(text);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stop_sequence_cuts_the_answer_before_it_and_finishes_with_stop()
    {
        var free = await _client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 16 });
        // A stop string taken from the unconstrained answer: the answer must end right before its first occurrence.
        var text = free.Text;
        text.Length.Should().BeGreaterThan(4, "the tiny model writes a few characters");
        var stop = text.Substring(2, 2);
        var cut = text[..text.IndexOf(stop, StringComparison.Ordinal)];

        var stopped = await _client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 16, StopSequences = [stop] });

        stopped.Text.Should().Be(cut);
        stopped.FinishReason.Should().Be(ChatFinishReason.Stop);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_token_limit_finishes_with_length()
    {
        var (_, generated, _) = await DirectAsync(ConversationPrompt, new SamplingOptions { MaxTokens = 3 });
        var response = await _client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 3 });

        response.Usage!.OutputTokenCount.Should().Be(generated.Count);
        if (!_tiny.Tokenizer.EosTokenIds.Contains(generated[^1]))
            response.FinishReason.Should().Be(ChatFinishReason.Length);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_stream_mid_answer_throws_and_returns_every_page()
    {
        int free = _tiny.Engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource();
        var seen = 0;
        var act = async () =>
        {
            var options = new ChatOptions { MaxOutputTokens = 200, AdditionalProperties = null };
            await foreach (var update in _client.GetStreamingResponseAsync(Conversation, options, cts.Token))
            {
                if (++seen == 2)
                    await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        seen.Should().Be(2);
        _tiny.Engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelling_a_whole_response_returns_every_page()
    {
        int free = _tiny.Engine.Pool.FreeCount;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));

        var act = () => _client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 2000 }, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        _tiny.Engine.Pool.FreeCount.Should().Be(free);
    }

    public static TheoryData<ChatOptions, string> BadOptions => new()
    {
        { new ChatOptions { Temperature = -1 }, "*temperature -1*" },
        { new ChatOptions { TopP = 0 }, "*top-p 0*" },
        { new ChatOptions { MaxOutputTokens = 0 }, "*MaxOutputTokens 0*" },
        { new ChatOptions { AdditionalProperties = new() { ["reasoning_strategy"] = 8 } }, "*reasoning_strategy*Int32*strategy name*" },
        { new ChatOptions { AdditionalProperties = new() { ["reasoning_strategy"] = "majority-of-everything" } }, "*unknown strategy 'majority-of-everything'*" },
        { new ChatOptions { Tools = [new HostedWebSearchTool()] }, "*hosted*function tools*" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task Bad_options_are_typed_errors_that_say_what_to_do(ChatOptions options, string message)
    {
        int free = _tiny.Engine.Pool.FreeCount;

        await _client.Invoking(c => c.GetResponseAsync(Conversation, options)).Should().ThrowAsync<InvalidRequestException>().WithMessage(message);
        _client.Invoking(c => c.GetStreamingResponseAsync(Conversation, options)).Should().Throw<InvalidRequestException>().WithMessage(message);
        _tiny.Engine.Pool.FreeCount.Should().Be(free);
    }

    [Fact]
    public void Metadata_and_services_describe_the_engine()
    {
        _client.GetService<ChatClientMetadata>()!.ProviderName.Should().Be("reasoning");
        _client.GetService<ReasoningChatClient>().Should().BeSameAs(_client);
        _client.GetService(typeof(Reasoning.Engine.Generation.InferenceEngine)).Should().BeSameAs(_tiny.Engine);
        _client.ToolFormat.Should().Be(ToolCallFormat.Hermes);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_countdown_model_without_a_chat_template_gets_the_plain_form()
    {
        var directory = Path.Combine(Reasoning.TestSupport.RepoPaths.Root, "models", "countdown-sos");
        using var client = ReasoningChatClient.Open(directory, new Reasoning.Engine.Generation.EngineOptions { KvMemoryBytes = 16 << 20, Threads = 1 });
        List<ChatMessage> messages = [new(ChatRole.System, "Solve it."), new(ChatRole.User, "Make 24 from 4, 6 and 1.")];
        const string prompt = "system: Solve it.\nuser: Make 24 from 4, 6 and 1.\nassistant:";

        client.Tokenizer.ChatTemplate.Should().BeNull();
        client.RenderPrompt(messages).Should().Be(prompt);
        var response = await client.GetResponseAsync(messages, new ChatOptions { MaxOutputTokens = 10 });

        client.Options.ModelId.Should().Be("countdown-sos");
        response.Usage!.InputTokenCount.Should().Be(client.Tokenizer.Encode(prompt, addSpecialTokens: false).Count);
        response.Usage.OutputTokenCount.Should().BeInRange(1, 10);
    }
}
