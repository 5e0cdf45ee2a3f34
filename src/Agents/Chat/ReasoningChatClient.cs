using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;
using Reasoning.Engine.Tokenization;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using EngineFinish = Reasoning.Engine.Generation.FinishReason;

namespace Reasoning.Agents.Chat;

/// <summary>
/// An <see cref="IChatClient"/> whose model is this framework's engine: the conversation is rendered with the model's
/// chat template (or the plain <c>role: text</c> form when its tokenizer has none), generated on an
/// <see cref="InferenceEngine"/> and answered with text, tool calls (<see cref="FunctionCallContent"/>, so
/// <c>UseFunctionInvocation()</c> runs them), a finish reason and the token usage. <c>ChatOptions</c>: Temperature,
/// TopP, TopK, MaxOutputTokens, StopSequences, Seed, Tools, ToolMode (None hides the tools) and, in
/// AdditionalProperties, <c>reasoning_strategy</c> (see <see cref="ChatPropertyNames"/>) and <c>enable_thinking</c>.
/// Thread-safe: concurrent requests share the engine's batched steps.
/// </summary>
public sealed partial class ReasoningChatClient : IChatClient
{
    private readonly InferenceEngine _engine;
    private readonly Tokenizer _tokenizer;
    private readonly ReasoningChatClientOptions _options;
    private readonly ChatPromptRenderer _renderer;
    private readonly IDisposable[] _owned;

    /// <summary>A client on a running engine and its model's tokenizer (both stay owned by the caller).</summary>
    public ReasoningChatClient(InferenceEngine engine, Tokenizer tokenizer, ReasoningChatClientOptions? options = null)
        : this(engine, tokenizer, options, [])
    {
    }

    private ReasoningChatClient(InferenceEngine engine, Tokenizer tokenizer, ReasoningChatClientOptions? options, IDisposable[] owned)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _engine = engine;
        _tokenizer = tokenizer;
        _options = options ?? new ReasoningChatClientOptions();
        _renderer = new ChatPromptRenderer(tokenizer.ChatTemplate);
        _owned = owned;
        Metadata = new ChatClientMetadata("reasoning", null, _options.ModelId);
    }

    /// <summary>Loads a model directory (config.json, safetensors, tokenizer.json, tokenizer_config.json) and starts an engine; disposing the client releases both.</summary>
    /// <exception cref="Reasoning.Engine.Errors.ModelFormatException">The weights or config cannot be read.</exception>
    /// <exception cref="Reasoning.Engine.Errors.TokenizerFormatException">The tokenizer cannot be read.</exception>
    public static ReasoningChatClient Open(string modelDirectory, EngineOptions? engineOptions = null, ReasoningChatClientOptions? options = null)
    {
        var tokenizer = Tokenizer.Load(modelDirectory);
        var model = TransformerModel.Load(modelDirectory);
        try
        {
            var engine = new InferenceEngine(model, engineOptions);
            options ??= new ReasoningChatClientOptions { ModelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))) };
            return new ReasoningChatClient(engine, tokenizer, options, [engine, model]);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The engine the answers are generated on.</summary>
    public InferenceEngine Engine => _engine;

    /// <summary>The model's tokenizer.</summary>
    public Tokenizer Tokenizer => _tokenizer;

    /// <summary>The client's settings.</summary>
    public ReasoningChatClientOptions Options => _options;

    /// <summary>How this model's tool calls are written and read.</summary>
    public ToolCallFormat ToolFormat => _renderer.ToolFormat;

    /// <summary>Provider and model name.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <summary>The prompt text the model would see for this conversation and these options (tools included).</summary>
    public string RenderPrompt(IEnumerable<ChatMessage> messages, ChatOptions? options = null) =>
        ChatRequest.Create(messages, options, _options, _renderer, _tokenizer).Prompt;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = ChatRequest.Create(messages, options, _options, _renderer, _tokenizer);
        if (request.Strategy is { } strategy)
            return (await RunStrategyAsync(request, ResolveStrategy(strategy), null, cancellationToken).ConfigureAwait(false)).Response;
        using var sequence = _engine.CreateSequence();
        var result = await TextGeneration.CollectAsync(sequence, _tokenizer, request.PromptIds, request.PromptIds, request.TextOptions, cancellationToken).ConfigureAwait(false);
        var answer = Finish(request, result.Text, result.Finish, result.Tokens.Count, request.PromptIds.Count);
        var message = new ChatMessage(ChatRole.Assistant, answer.Contents) { MessageId = answer.Id };
        return new ChatResponse(message)
        {
            ResponseId = answer.Id,
            ModelId = _options.ModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = answer.FinishReason,
            Usage = answer.Usage,
        };
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Checked before the first MoveNext, so a bad request fails where it is made.
        var request = ChatRequest.Create(messages, options, _options, _renderer, _tokenizer);
        return request.Strategy is { } strategy ? StreamStrategyAsync(request, ResolveStrategy(strategy), cancellationToken) : StreamAsync(request, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = NewId();
        var gate = request.Tools.Count > 0 ? new ToolCallStreamGate(ToolFormat) : null;
        var raw = new StringBuilder();
        int tokens = 0;
        var finish = EngineFinish.Length;
        using (var sequence = _engine.CreateSequence())
        {
            await foreach (var token in TextGeneration.StreamAsync(sequence, _tokenizer, request.PromptIds, request.TextOptions, cancellationToken).ConfigureAwait(false))
            {
                // Tokens the engine already produced may be waiting; none is shown after the caller cancels.
                cancellationToken.ThrowIfCancellationRequested();
                tokens++;
                raw.Append(token.Text);
                if (token.Token.Finish is { } f)
                    finish = f;
                var piece = gate is null ? token.Text : gate.Push(token.Text);
                if (piece.Length > 0)
                    yield return Update(id, [new TextContent(piece)]);
            }
        }
        var answer = Finish(request, raw.ToString(), finish, tokens, request.PromptIds.Count, id);
        var released = gate?.Released ?? raw.ToString();
        var contents = new List<AIContent>();
        foreach (var content in answer.Contents)
        {
            if (content is TextContent text)
            {
                // The parsed text starts with what was already streamed (the gate releases only such a prefix).
                var rest = text.Text.StartsWith(released, StringComparison.Ordinal) ? text.Text[released.Length..] : "";
                if (rest.Length > 0)
                    contents.Add(new TextContent(rest));
            }
            else
            {
                contents.Add(content);
            }
        }
        contents.Add(new UsageContent(answer.Usage));
        var last = Update(id, contents);
        last.FinishReason = answer.FinishReason;
        yield return last;
    }

    private ChatResponseUpdate Update(string id, IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = id,
        MessageId = id,
        ModelId = _options.ModelId,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static string NewId() => "chat_" + Guid.NewGuid().ToString("N");

    /// <summary>A finished answer: its contents (text, then calls), why it ended and what it used.</summary>
    private sealed record Answer(string Id, List<AIContent> Contents, ChatFinishReason FinishReason, UsageDetails Usage);

    /// <summary>Reads tool calls out of the generated text (when tools were offered) and counts usage.</summary>
    private Answer Finish(ChatRequest request, string text, EngineFinish finish, long outputTokens, long inputTokens, string? id = null)
    {
        var contents = new List<AIContent>();
        var reason = finish == EngineFinish.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        var parsed = request.Tools.Count > 0 ? ReadToolCalls(text, ToolFormat, _options.MalformedToolCalls) : new ParsedToolOutput(text, []);
        if (parsed.Text.Length > 0 || parsed.Calls.Count == 0)
            contents.Add(new TextContent(parsed.Text));
        contents.AddRange(parsed.Calls);
        if (parsed.Calls.Count > 0)
            reason = ChatFinishReason.ToolCalls;
        var usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens };
        return new Answer(id ?? NewId(), contents, reason, usage);
    }

    /// <summary>The calls in an answer; a broken call raises or becomes the answer's text, as <paramref name="handling"/> says.</summary>
    internal static ParsedToolOutput ReadToolCalls(string text, ToolCallFormat format, MalformedToolCallHandling handling)
    {
        try
        {
            return ToolCallParser.Parse(text, format);
        }
        catch (MalformedToolCallException) when (handling == MalformedToolCallHandling.ReturnText)
        {
            return new ParsedToolOutput(text, []);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(ChatClientMetadata))
            return Metadata;
        if (serviceType == typeof(InferenceEngine))
            return _engine;
        if (serviceType == typeof(Tokenizer))
            return _tokenizer;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Stops the engine and releases the model when the client loaded them (<see cref="Open"/>); otherwise nothing.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose();
    }
}
