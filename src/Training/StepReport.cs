namespace Reasoning.Training;

/// <summary>What one optimizer step did.</summary>
/// <param name="Step">Steps completed, counting this one.</param>
/// <param name="TotalSteps">The run's planned steps.</param>
/// <param name="Loss">Mean cross-entropy over the step's completion tokens.</param>
/// <param name="LearningRate">The learning rate applied.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="Tokens">Input tokens processed.</param>
/// <param name="Seconds">Wall time of the step.</param>
/// <param name="Flops">Floating-point operations of the step (6 × matmul parameters × tokens + causal attention).</param>
/// <param name="ElapsedSeconds">Training wall time so far, across resumes.</param>
public sealed record StepReport(long Step, int TotalSteps, double Loss, double LearningRate, double GradientNorm, int Tokens, double Seconds, double Flops, double ElapsedSeconds)
{
    /// <summary>Input tokens per second of this step.</summary>
    public double TokensPerSecond => Tokens / Math.Max(Seconds, 1e-9);

    /// <summary>Achieved GFLOP/s of this step.</summary>
    public double Gflops => Flops / Math.Max(Seconds, 1e-9) / 1e9;
}
