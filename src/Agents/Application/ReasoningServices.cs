using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Reasoning.Agents.Application;

/// <summary>Registers the application layer: the generated mediator, the handlers and the validation and logging behaviours.</summary>
public static class ReasoningServices
{
    /// <summary>
    /// Adds the requests' handlers, <see cref="IMediator"/>/<see cref="ISender"/> and the pipeline (logging, then
    /// validation, then the <see cref="RunGate"/>) with <paramref name="options"/> as every request's defaults.
    /// </summary>
    public static IServiceCollection AddReasoningApplication(this IServiceCollection services, ReasoningHostOptions? options = null)
    {
        services.TryAddSingleton(options ?? new ReasoningHostOptions());
        services.TryAddSingleton<RunGate>();
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
        services.AddMediator((MediatorOptions o) =>
        {
            o.Namespace = "Reasoning.Agents.Application.Generated";
            o.ServiceLifetime = ServiceLifetime.Singleton;
            o.Assemblies = [typeof(SolveCountdown)];
            o.PipelineBehaviors = [typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>), typeof(RunGateBehavior<,>)];
        });
        return services;
    }

    /// <summary>A service provider with the application layer alone, for a host without one of its own (the CLI).</summary>
    public static ServiceProvider Build(ReasoningHostOptions? options = null) =>
        new ServiceCollection().AddReasoningApplication(options).BuildServiceProvider();
}
