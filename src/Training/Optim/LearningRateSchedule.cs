namespace Reasoning.Training.Optim;

/// <summary>Linear warmup from zero to the peak, then a cosine decay to <c>peak · minRatio</c> at the last step.</summary>
/// <param name="Peak">The learning rate reached after warmup.</param>
/// <param name="WarmupSteps">Steps of linear warmup.</param>
/// <param name="TotalSteps">The step at which the cosine reaches its floor.</param>
/// <param name="MinRatio">The floor as a fraction of the peak.</param>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double MinRatio = 0.1)
{
    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        if (step < WarmupSteps)
            return Peak * (step + 1) / WarmupSteps;
        double span = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((step - WarmupSteps) / span, 0, 1);
        double floor = Peak * MinRatio;
        return floor + (Peak - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
