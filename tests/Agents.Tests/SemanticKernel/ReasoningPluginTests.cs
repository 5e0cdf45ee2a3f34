using System.Text.Json.Nodes;
using FluentAssertions;
using Mediator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Reasoning.Agents.Application;
using Reasoning.Agents.SemanticKernel;
using Reasoning.Agents.Tests.Application;
using Reasoning.Engine.Errors;
using Xunit;

namespace Reasoning.Agents.Tests.SemanticKernel;

/// <summary>The plugin in a real <see cref="Kernel"/>: invoked directly, and by auto function calling that a scripted chat client drives.</summary>
public sealed class ReasoningPluginTests
{
    private static IKernelBuilder Builder()
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddReasoningApplication(new ReasoningHostOptions { ModelDirectory = Direct.Tiny });
        return builder;
    }

    private static void SameSolve(string json, Evaluation.Countdown.CountdownSolveResult direct)
    {
        var node = JsonNode.Parse(json)!;
        node["usage"]!["total_tokens"]!.GetValue<long>().Should().Be(direct.TotalTokens).And.BePositive();
        node["reason"]!.GetValue<string>().Should().Be(direct.Reason);
        node["tree"]!["text"]!.GetValue<string>().Should().Be(direct.Tree["text"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task AddFromType_with_DI_gives_three_described_functions_that_solve_like_the_solver()
    {
        var builder = Builder();
        builder.Plugins.AddFromType<ReasoningPlugin>(ReasoningPlugin.Name);
        var kernel = builder.Build();

        var plugin = kernel.Plugins[ReasoningPlugin.Name];
        plugin.Select(f => f.Name).Should().BeEquivalentTo("solve_countdown", "reason", "explore");
        plugin.Should().OnlyContain(f => f.Description.Length > 20);
        plugin["solve_countdown"].Metadata.Parameters.Select(p => p.Name).Should().Equal("numbers", "target", "strategy");

        var result = await kernel.InvokeAsync(plugin["solve_countdown"], new KernelArguments { ["numbers"] = new[] { 44, 19, 35, 73 }, ["target"] = 98, ["strategy"] = "sos" });
        SameSolve(result.GetValue<string>()!, await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 2048));
    }

    [Fact(Timeout = 60_000)]
    public async Task AddFromObject_works_and_a_bad_argument_is_a_typed_error()
    {
        var builder = Builder();
        var kernel = builder.Build();
        kernel.Plugins.AddFromObject(new ReasoningPlugin(kernel.Services.GetRequiredService<ISender>()), ReasoningPlugin.Name);

        var act = async () => await kernel.InvokeAsync(ReasoningPlugin.Name, "solve_countdown", new KernelArguments { ["numbers"] = new[] { 1, 2 }, ["target"] = 3, ["strategy"] = "beam" });
        (await act.Should().ThrowAsync<InvalidRequestException>()).Which.Message.Should().Contain("unknown strategy 'beam'");

        var explored = await kernel.InvokeAsync(ReasoningPlugin.Name, "explore", new KernelArguments { ["question"] = "Name a colour.", ["n"] = 2 });
        var node = JsonNode.Parse(explored.GetValue<string>()!)!;
        node["kind"]!.GetValue<string>().Should().Be("text");
        node["thoughts"]!.AsArray().Should().HaveCount(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task Auto_function_calling_runs_solve_countdown_and_the_model_answers_with_its_result()
    {
        var scripted = new ScriptedChatClient();
        var builder = Builder();
        builder.Services.AddSingleton<IChatCompletionService>(sp => new ChatClientBuilder(scripted).UseKernelFunctionInvocation().Build().AsChatCompletionService(sp));
        builder.Plugins.AddFromType<ReasoningPlugin>(ReasoningPlugin.Name);
        var kernel = builder.Build();

        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var answer = await kernel.InvokePromptAsync("Reach 98 from 44, 19, 35 and 73.", new KernelArguments(settings));

        scripted.OfferedTools.Should().HaveCount(3).And.Contain(t => t.EndsWith("solve_countdown", StringComparison.Ordinal));
        scripted.Calls.Should().HaveCount(2, "one call that asks for the tool, one that reads its result");
        var toolResult = scripted.Calls[1].SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionResultContent>().Single();
        toolResult.CallId.Should().Be("call-1");
        var direct = await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 2048);
        SameSolve(toolResult.Result!.ToString()!, direct);
        answer.ToString().Should().StartWith(ScriptedChatClient.AnswerPrefix).And.Contain(direct.Tree["text"]!.GetValue<string>()[..40]);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_AIFunctions_run_under_UseFunctionInvocation()
    {
        using var services = new ServiceCollection().AddReasoningApplication(new ReasoningHostOptions { ModelDirectory = Direct.Tiny }).BuildServiceProvider();
        var tools = ReasoningTools.AsAIFunctions(services.GetRequiredService<ISender>());
        tools.Select(t => t.Name).Should().Equal("solve_countdown", "reason", "explore");
        tools.Should().OnlyContain(t => t.Description.Length > 20);
        tools[0].JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("numbers", "target", "strategy");

        var scripted = new ScriptedChatClient();
        using var client = new ChatClientBuilder(scripted).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync("Reach 98 from 44, 19, 35 and 73.", new ChatOptions { Tools = [.. tools] });

        var toolResult = scripted.Calls[1].SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionResultContent>().Single();
        SameSolve(toolResult.Result!.ToString()!, await Direct.SolveAsync(Direct.Tiny, Direct.Problem, "sos", 2048));
        response.Text.Should().StartWith(ScriptedChatClient.AnswerPrefix);
    }
}
