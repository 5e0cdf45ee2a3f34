namespace Reasoning.Engine.Generation;

/// <summary>
/// An open <see cref="InferenceEngine.HoldSubmissions"/>: generations submitted while it is open start together, in
/// one step, when it is disposed. Disposing twice releases once.
/// </summary>
public sealed class SubmissionHold : IDisposable
{
    private InferenceEngine? _engine;

    internal SubmissionHold(InferenceEngine engine) => _engine = engine;

    /// <summary>Lets the held generations into the step loop.</summary>
    public void Dispose() => Interlocked.Exchange(ref _engine, null)?.ReleaseHold();
}
