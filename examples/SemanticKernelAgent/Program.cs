// A Semantic Kernel agent that solves Countdown with the reasoning plugin, with no network: the chat model is a
// scripted IChatClient that asks for solve_countdown once and then answers with its result. Replace it with any
// IChatClient (OpenAI, Ollama, our own engine's) and the kernel, the plugin and auto function calling stay the same.
//   dotnet run --project examples/SemanticKernelAgent [-- MODEL_DIR]      (run from the repository root)
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Reasoning.Agents.Application;
using Reasoning.Agents.SemanticKernel;

var builder = Kernel.CreateBuilder();
builder.Services.AddReasoningApplication(new ReasoningHostOptions { ModelDirectory = args.Length > 0 ? args[0] : null });  // null: the shipped models
builder.Services.AddSingleton<IChatCompletionService>(sp =>
    new ChatClientBuilder(new ScriptedModel()).UseKernelFunctionInvocation().Build().AsChatCompletionService(sp));
builder.Plugins.AddFromType<ReasoningPlugin>(ReasoningPlugin.Name);       // its ISender comes from the services above
var kernel = builder.Build();

var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
var answer = await kernel.InvokePromptAsync("Use 11, 3, 94 and 50 to make 36.", new KernelArguments(settings));
Console.WriteLine(answer);

/// <summary>Stands in for a chat model: first a tool call, then an answer built from the tool's JSON.</summary>
internal sealed class ScriptedModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionResultContent>().LastOrDefault();
        if (result is null)
        {
            var tool = options?.Tools?.OfType<AIFunction>().First(t => t.Name.EndsWith("solve_countdown", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("the kernel offered no solve_countdown tool; is the plugin registered?");
            var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"numbers":[11,3,94,50],"target":36}""");
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new Microsoft.Extensions.AI.FunctionCallContent("call-1", tool.Name, arguments)])));
        }
        var solve = JsonNode.Parse(result.Result?.ToString() ?? "{}")!;
        string text = solve["verified"]?.GetValue<bool>() == true
            ? $"Solved and checked: {string.Join("; ", solve["solution"]!.AsArray().Select(s => s!.GetValue<string>()))} " +
              $"({solve["usage"]!["threads"]} threads, {solve["usage"]!["total_tokens"]} tokens)."
            : $"No checked solution: {solve["reason"]}.";
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
