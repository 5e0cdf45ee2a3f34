// Microsoft Agent Framework agents whose model is this framework's engine, with no network:
//   1. an agent on a local model directory (the shipped Countdown model by default, or any Qwen/Llama directory);
//   2. the same agent thinking with cons@4 (four sampled traces in one batch, majority vote), with its reasoning tree;
//   3. an agent calling a C# tool through the Agent Framework's function loop. A tiny local model cannot choose tools,
//      so this part runs on a scripted model that answers with recorded Qwen outputs, read by the client's parser.
// Usage: dotnet run --project examples/AgentFrameworkAgent -c Release -- [model folder]
using System.Text.Json.Nodes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Reasoning.Agents.AgentFramework;
using Reasoning.Agents.Chat;
using Reasoning.Engine.Generation;

string modelDir = args.Length > 0 ? args[0] : Path.Combine("models", "countdown-sos");

// 1. The engine as an IChatClient, and an agent on it. The Countdown models have no chat template: the client renders
// "role: text" lines, so their answers are Countdown-shaped text; a Qwen or Llama directory gets its own template.
using var client = ReasoningChatClient.Open(modelDir, new EngineOptions { KvMemoryBytes = 64L << 20 });
var options = new ChatOptions { MaxOutputTokens = 48 };
AIAgent agent = client.CreateReasoningAgent("You solve arithmetic puzzles.", name: "local", chatOptions: options);
var answer = await agent.RunAsync("Make 24 from 4, 6 and 1.");
Console.WriteLine($"[{agent.Name}] {answer.Text.Trim()}");
Console.WriteLine($"  usage: {answer.Usage?.InputTokenCount} prompt tokens, {answer.Usage?.OutputTokenCount} generated");

// 2. Parallel thinking as a chat option: cons@4 samples four traces from one shared prompt and votes on the answer.
var thinker = client.CreateReasoningAgent("You solve arithmetic puzzles.", name: "thinker", reasoningStrategy: "cons@4",
    chatOptions: new ChatOptions { MaxOutputTokens = 48, Temperature = 0.8f, Seed = 1 });
var thought = await thinker.RunAsync("Make 24 from 4, 6 and 1.");
var tree = ReasoningAgents.ReasoningTreeOf(thought)!;
Console.WriteLine($"[{thinker.Name}] {thought.Text.Trim()}");
foreach (var trace in tree["children"]!.AsArray().Select(t => (JsonObject)t!))
    Console.WriteLine($"  {trace["name"]}: {trace["generated_tokens"]} tokens, {trace["status"]}");
Console.WriteLine($"  usage: {thought.Usage?.OutputTokenCount} tokens generated in all");

// 3. Tools: the Agent Framework runs the function the model asks for and shows the model its result.
var weather = AIFunctionFactory.Create((string city) => $"18 degrees and sunny in {city}", "get_weather", "Current weather of a city.");
using var scripted = new RecordedQwen(
    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
    "It is 18 degrees and sunny in Paris.");
var reporter = scripted.CreateReasoningAgent("You report the weather.", name: "reporter", tools: [weather]);
var report = await reporter.RunAsync("What is the weather in Paris?");
Console.WriteLine($"[{reporter.Name}] {report.Text}");
foreach (var call in report.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
    Console.WriteLine($"  called {call.Name}({string.Join(", ", call.Arguments!.Select(a => $"{a.Key}: {a.Value}"))})");

/// <summary>A model that answers turn i with a recorded Qwen output, read into text and tool calls by the client's parser.</summary>
sealed class RecordedQwen(params string[] outputs) : IChatClient
{
    private int _turn;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var parsed = ToolCallParser.Parse(outputs[Math.Min(_turn++, outputs.Length - 1)], ToolCallFormat.Hermes);
        List<AIContent> contents = parsed.Text.Length > 0 ? [new TextContent(parsed.Text)] : [];
        contents.AddRange(parsed.Calls);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, contents)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
