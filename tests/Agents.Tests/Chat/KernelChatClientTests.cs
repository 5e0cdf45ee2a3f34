using FluentAssertions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Reasoning.Agents.Chat;
using Xunit;

namespace Reasoning.Agents.Tests.Chat;

/// <summary>Our IChatClient registered in a real Semantic Kernel the way any IChatClient is, and used by a prompt function.</summary>
public sealed class KernelChatClientTests : IDisposable
{
    private readonly TinyChatEngine _tiny = new();

    public void Dispose() => _tiny.Dispose();

    [Fact(Timeout = 60_000)]
    public async Task A_kernel_with_the_client_registered_answers_a_prompt_with_what_the_client_answers()
    {
        using var client = new ReasoningChatClient(_tiny.Engine, _tiny.Tokenizer);
        var builder = Kernel.CreateBuilder();
        builder.Services.AddChatClient(client);
        var kernel = builder.Build();
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = 12, ["temperature"] = 0 } };

        var viaKernel = await kernel.InvokePromptAsync("Say hello.", new KernelArguments(settings));
        var direct = await client.GetResponseAsync("Say hello.", new ChatOptions { MaxOutputTokens = 12, Temperature = 0 });

        kernel.GetRequiredService<IChatClient>().Should().BeSameAs(client);
        viaKernel.ToString().Should().Be(direct.Text).And.NotBeEmpty();
    }
}
