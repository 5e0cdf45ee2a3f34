using Reasoning.Engine.Generation;
using Reasoning.Engine.Models;

namespace Reasoning.Search.Prm;

/// <summary>
/// A language-model PRM loaded from a folder together with the model and the engine it runs on, which it owns:
/// disposing it stops the engine and frees the weights.
/// </summary>
public sealed class LoadedProcessRewardModel : IProcessRewardModel, IDisposable
{
    private readonly IProcessRewardModel _inner;
    private readonly TransformerModel _model;

    internal LoadedProcessRewardModel(PrmFormat format, string source, TransformerModel model, InferenceEngine engine, IProcessRewardModel inner)
    {
        Format = format;
        Source = source;
        _model = model;
        Engine = engine;
        _inner = inner;
    }

    /// <summary>The format the folder was read in.</summary>
    public PrmFormat Format { get; }
    /// <summary>The folder it was loaded from.</summary>
    public string Source { get; }
    /// <summary>The engine that runs the model (its page pool shows what scoring holds).</summary>
    public InferenceEngine Engine { get; }

    /// <inheritdoc/>
    public Task<IReadOnlyList<IReadOnlyList<double>>> ScoreStepsAsync(IReadOnlyList<PartialSolution> solutions, CancellationToken cancellationToken = default) =>
        _inner.ScoreStepsAsync(solutions, cancellationToken);

    /// <summary>Stops the engine and frees the model's weights.</summary>
    public void Dispose()
    {
        Engine.Dispose();
        _model.Dispose();
    }
}
