using Reasoning.Engine.Errors;

namespace Reasoning.Threads;

/// <summary>A thread operation would exceed the run's <see cref="ThreadBudget"/>.</summary>
public sealed class BudgetExceededException : ReasoningException
{
    /// <summary>Creates the exception with a message naming the bound and its value.</summary>
    public BudgetExceededException(string message) : base(message) { }
}
