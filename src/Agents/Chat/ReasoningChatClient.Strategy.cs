using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Reasoning.Engine.Errors;
using Reasoning.Orchestrator;
using Reasoning.Search;
using Reasoning.Threads;

namespace Reasoning.Agents.Chat;

// A reasoning strategy as a chat option: the request's prompt is a task, the strategy runs on threads, the chosen
// trace's answer is the response and the run's tree travels in AdditionalProperties.
public sealed partial class ReasoningChatClient
{
    private sealed record StrategyOutcome(ChatResponse Response);

    /// <summary>Checks that <paramref name="strategy"/> names a strategy this client can run on chat prompts.</summary>
    /// <exception cref="InvalidRequestException">The name is unknown, or the strategy needs a task of its own (APR, pass@N).</exception>
    public void CheckStrategy(string strategy) => ResolveStrategy(strategy);

    /// <summary>Resolves a strategy name, refusing those the task cannot serve.</summary>
    /// <exception cref="InvalidRequestException">The name is unknown, or the strategy needs task knowledge the generic chat task lacks.</exception>
    private IReasoningStrategy ResolveStrategy(string name)
    {
        var strategy = _options.Strategies.Resolve(name);
        if (_options.TaskFactory is not null)
            return strategy;
        if (strategy is AprStrategy)
            throw new InvalidRequestException($"strategy '{name}' (APR) needs a task that builds each sub search's context, and a chat prompt has none; use 'sos' or 'cons@N' on chat prompts, or give ReasoningChatClientOptions.TaskFactory a task (Countdown's) that builds them.");
        if (strategy is ConsensusStrategy { Mode: ConsensusMode.AnyCorrect })
            throw new InvalidRequestException($"strategy '{name}' (pass@N) needs a verifier of answers, and a chat prompt has none; use 'cons@N' (majority vote), or give ReasoningChatClientOptions.TaskFactory a task that verifies.");
        return strategy;
    }

    private async Task<StrategyOutcome> RunStrategyAsync(ChatRequest request, IReasoningStrategy strategy, Channel<ChatResponseUpdate>? events, CancellationToken cancellationToken)
    {
        var id = NewId();
        var endText = _tokenizer.EosTokenIds.Select(eos => _tokenizer.Decode([eos])).Where(t => t.Length > 0).Concat(request.StopSequences).ToArray();
        var task = _options.TaskFactory?.Invoke(request.Prompt) ?? new ChatReasoningTask(request.Prompt, endText);
        var budget = new ThreadBudget { MaxThreads = _options.MaxThreads, MaxFanOut = _options.MaxThreads, MaxTokensPerThread = request.Sampling.MaxTokens };
        using var run = new ThreadRun(_engine, new TokenizerCodec(_tokenizer), budget, cancellationToken);
        var pump = events is null ? Task.CompletedTask : PumpEventsAsync(run, id, events.Writer);
        StrategyResult result;
        try
        {
            result = await strategy.RunAsync(run, task, new StrategyOptions { Generation = request.ThreadOptions }, run.Cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        // A strategy may end its threads as cut short and return normally when the run is cancelled; a cancelled
        // request never answers with that partial result.
        cancellationToken.ThrowIfCancellationRequested();
        var chosen = result.Chosen >= 0 ? result.Candidates[result.Chosen] : null;
        var text = chosen is null ? "" : ChatReasoningTask.Cut(chosen.GeneratedText, endText);
        // A trace that wrote an end-of-sequence token or a stop sequence stopped; any other ran out of tokens.
        var finish = chosen is null || text.Length < chosen.GeneratedText.Length ? Reasoning.Engine.Generation.FinishReason.Stop : Reasoning.Engine.Generation.FinishReason.Length;
        var answer = Finish(request, text, finish, run.TotalTokens, request.PromptIds.Count, id);
        var tree = ReasoningTree.ToJson(result.Root);
        var message = new ChatMessage(ChatRole.Assistant, answer.Contents) { MessageId = id };
        var response = new ChatResponse(message)
        {
            ResponseId = id,
            ModelId = _options.ModelId,
            CreatedAt = DateTimeOffset.UtcNow,
            FinishReason = answer.FinishReason,
            Usage = answer.Usage,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [ChatPropertyNames.ReasoningStrategy] = strategy.Name,
                [ChatPropertyNames.ReasoningTree] = tree,
                [ChatPropertyNames.ReasoningAnswers] = new JsonArray(result.Answers.Select(a => (JsonNode?)a).ToArray()),
                [ChatPropertyNames.ReasoningChosen] = result.Chosen,
            },
        };
        if (result.FailureReason is { } failure)
            response.AdditionalProperties["reasoning_failure"] = failure;
        run.Dispose();   // ends the event stream, so the pump drains what is left and stops
        await pump.ConfigureAwait(false);
        return new StrategyOutcome(response);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamStrategyAsync(ChatRequest request, IReasoningStrategy strategy, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = Channel.CreateUnbounded<ChatResponseUpdate>();
        // A reader that stops early cancels the run, so its threads do not hold KV pages until they finish alone.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = RunStrategyAsync(request, strategy, updates, stop.Token);
        _ = running.ContinueWith(_ => updates.Writer.TryComplete(), TaskScheduler.Default);
        ChatResponse response;
        try
        {
            await foreach (var update in updates.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                yield return update;
            response = (await running.ConfigureAwait(false)).Response;
        }
        finally
        {
            if (!running.IsCompleted)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await running.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
        // The last update carries the answer as the non-streaming response has it, with the tree and the usage.
        var contents = new List<AIContent>(response.Messages[0].Contents) { new UsageContent(response.Usage!) };
        var last = Update(response.ResponseId!, contents);
        last.FinishReason = response.FinishReason;
        last.AdditionalProperties = response.AdditionalProperties;
        yield return last;
    }

    private async Task PumpEventsAsync(ThreadRun run, string id, ChannelWriter<ChatResponseUpdate> writer)
    {
        await foreach (var e in run.Events.ConfigureAwait(false))
        {
            var update = Update(id, []);
            update.AdditionalProperties = new AdditionalPropertiesDictionary { [ChatPropertyNames.ReasoningEvent] = EventJson(e) };
            writer.TryWrite(update);
        }
    }

    /// <summary>A run event as JSON: its type, thread and time, and the fields of that type.</summary>
    internal static JsonObject EventJson(ReasoningEvent e)
    {
        var json = new JsonObject { ["thread"] = e.ThreadId, ["ms"] = Math.Round(e.ElapsedMilliseconds, 3) };
        switch (e)
        {
            case ThreadStarted s:
                json["type"] = "started";
                json["parent"] = s.ParentId;
                json["name"] = s.Name;
                break;
            case TokensGenerated t:
                json["type"] = "tokens";
                json["text"] = t.Text;
                json["tokens"] = t.TokenCount;
                break;
            case ThreadsSpawned s:
                json["type"] = "spawned";
                json["children"] = new JsonArray(s.ChildIds.Select(c => (JsonNode?)c).ToArray());
                break;
            case ThreadsJoined j:
                json["type"] = "joined";
                json["children"] = new JsonArray(j.ChildIds.Select(c => (JsonNode?)c).ToArray());
                break;
            case ThreadEnded end:
                json["type"] = "ended";
                json["status"] = end.Status.ToString().ToLowerInvariant();
                json["reason"] = end.Reason;
                json["outcome"] = end.Outcome?.KindName;
                break;
            default:
                json["type"] = e.GetType().Name;
                break;
        }
        return json;
    }
}
