using Reasoning.Engine.Generation;

namespace Reasoning.Search.Prm;

/// <summary>
/// Runs rendered PRM inputs through an engine and turns two of the head's outputs at each step position into a step
/// score: the softmax over (negative, positive), taking the positive class.
/// </summary>
internal static class PrmReadout
{
    /// <summary>
    /// For each input, one score per step position. Each input gets its own sequence and all are submitted at once, so
    /// the engine batches them; each sequence is disposed (its pages released) as soon as its input is read. When one
    /// input fails, the others are cancelled and its error is thrown.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreAsync(InferenceEngine engine, IReadOnlyList<PrmInput> inputs,
        int positive, int negative, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = inputs.Select(input => ReadOne(engine, input, positive, negative, failed)).ToArray();
        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // The first real failure, not a sibling's cancellation that it caused.
            var cause = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            throw;
        }
    }

    private static async Task<IReadOnlyList<double>> ReadOne(InferenceEngine engine, PrmInput input, int positive, int negative, CancellationTokenSource failed)
    {
        if (input.StepPositions.Length == 0)
            return [];
        try
        {
            using var sequence = engine.CreateSequence();
            var outputs = await sequence.ReadOutputsAsync(input.Tokens, input.StepPositions, [positive, negative], failed.Token).ConfigureAwait(false);
            var scores = new double[outputs.Count];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = PositiveProbability(outputs[i][0], outputs[i][1]);
            return scores;
        }
        catch
        {
            failed.Cancel();
            throw;
        }
    }

    /// <summary>softmax([negative, positive])[1] = 1 / (1 + e^(negative − positive)), in double precision.</summary>
    public static double PositiveProbability(float positive, float negative) => 1.0 / (1.0 + Math.Exp((double)negative - positive));
}
