using Reasoning.Engine.Errors;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

// Readout: the raw outputs of the model's head at chosen positions of appended tokens.
public sealed partial class EngineSequence
{
    /// <summary>
    /// Appends <paramref name="tokens"/> and returns the model's raw head outputs at the chosen
    /// <paramref name="positions"/> (indices into <paramref name="tokens"/>, ascending and distinct), restricted to the
    /// output indices <paramref name="outputs"/>: for a language model, the logits over the vocabulary at that token
    /// (which predict the token after it); for a model with a score head (<see cref="Models.ModelHead.ProcessReward"/>),
    /// its label logits. Result[i][j] is output <paramref name="outputs"/>[j] at position <paramref name="positions"/>[i].
    /// The tokens are fed like a prefill, chunked and batched with other work, and stay appended; a position's values
    /// depend neither on the batch nor on the chunking.
    /// </summary>
    /// <exception cref="InvalidRequestException">No tokens or positions are given, a position is out of range or out of
    /// order, an output index is outside the head's outputs, a token is outside the vocabulary, or the sequence would
    /// exceed the context window.</exception>
    public async Task<IReadOnlyList<float[]>> ReadOutputsAsync(IReadOnlyList<int> tokens, IReadOnlyList<int> positions,
        IReadOnlyList<int> outputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(outputs);
        var request = new JobRequest(false, new SamplingOptions { MaxTokens = 0 }, Read: new OutputRead([.. tokens], [.. positions], [.. outputs]));
        var job = _engine.Submit(this, request, cancellationToken);
        try
        {
            await job.Output.Reader.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            job.CancelRequested = true;
            _engine.Wake();
            await job.Done.Task.ConfigureAwait(false);
        }
        // A job ends quietly when its sequence is disposed under it; a missing position would read as a full answer.
        var result = new float[job.Reads.Length][];
        for (int i = 0; i < result.Length; i++)
            result[i] = job.Reads[i] ?? throw new ObjectDisposedException(nameof(EngineSequence), "the sequence was disposed while its outputs were read.");
        return result;
    }
}
