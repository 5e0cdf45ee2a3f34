using Reasoning.Training.Optim;

namespace Reasoning.Training;

/// <summary>How to train: budget, batch, optimizer and schedule. Defaults suit a ~10M-parameter model on a CPU.</summary>
public sealed record TrainingOptions
{
    /// <summary>Optimizer steps of the whole run (the cosine schedule ends here).</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Input tokens per optimizer step (whole examples are packed until this is reached).</summary>
    public int BatchTokens { get; init; } = 16384;
    /// <summary>Input tokens per forward/backward; a step accumulates gradients over ⌈batch / micro⌉ micro-batches.</summary>
    public int MicroBatchTokens { get; init; } = 4096;
    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Steps of linear warmup.</summary>
    public int WarmupSteps { get; init; } = 100;
    /// <summary>Final learning rate as a fraction of the peak.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;
    /// <summary>AdamW's hyper-parameters.</summary>
    public AdamWSettings AdamW { get; init; } = new();
    /// <summary>Global gradient-norm limit (0 disables clipping).</summary>
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Seed of the initial weights and of the data order.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Threads for the kernels (0: all cores).</summary>
    public int Threads { get; init; }
    /// <summary>Standard deviation of the initial weights.</summary>
    public float InitStd { get; init; } = 0.02f;
}
