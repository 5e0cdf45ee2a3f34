namespace Reasoning.Training.Io;

/// <summary>Everything besides tensors that a resumed run needs to continue bit for bit.</summary>
public sealed record TrainingState
{
    /// <summary>Optimizer steps completed.</summary>
    public long Step { get; init; }
    /// <summary>The data cursor's epoch.</summary>
    public int Epoch { get; init; }
    /// <summary>The data cursor's position within the epoch.</summary>
    public int Position { get; init; }
    /// <summary>The seed behind initialization and data order.</summary>
    public ulong Seed { get; init; }
    /// <summary>Examples in the training set the cursor walks (a resume must see the same set).</summary>
    public int Examples { get; init; }
    /// <summary>Input tokens consumed so far.</summary>
    public long Tokens { get; init; }
    /// <summary>Wall time spent training so far, in seconds.</summary>
    public double ElapsedSeconds { get; init; }
    /// <summary>The schedule's peak learning rate.</summary>
    public double PeakLearningRate { get; init; }
    /// <summary>The schedule's warmup steps.</summary>
    public int WarmupSteps { get; init; }
    /// <summary>The schedule's total steps.</summary>
    public int TotalSteps { get; init; }
    /// <summary>The model folder whose weights started the run (a warm start), or null for a fresh initialization.</summary>
    public string? InitializedFrom { get; init; }
}
