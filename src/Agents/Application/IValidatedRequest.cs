namespace Reasoning.Agents.Application;

/// <summary>A request that can check its own arguments before a handler runs (what <see cref="ValidationBehavior{TMessage, TResponse}"/> calls).</summary>
public interface IValidatedRequest
{
    /// <summary>Refuses arguments out of range with a clear message of what was wrong and what to give instead.</summary>
    /// <exception cref="Engine.Errors.InvalidRequestException">An argument is out of range.</exception>
    void Validate();
}
