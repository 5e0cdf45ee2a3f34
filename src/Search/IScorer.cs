namespace Reasoning.Search;

/// <summary>Scores whole candidates (a verifier, an outcome reward model, a log-likelihood); higher is better.</summary>
/// <typeparam name="T">What is scored, e.g. a trace's text.</typeparam>
public interface IScorer<in T>
{
    /// <summary>One score per candidate, in order; scored together so a model scorer can batch them.</summary>
    Task<IReadOnlyList<double>> ScoreAsync(IReadOnlyList<T> candidates, CancellationToken cancellationToken = default);
}
