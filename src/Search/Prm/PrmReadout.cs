using Reasoning.Engine.Generation;

namespace Reasoning.Search.Prm;

/// <summary>
/// Runs rendered PRM inputs through an engine and turns two of the head's outputs at each step position into a step
/// score: the softmax over (negative, positive), taking the positive class.
/// </summary>
internal static class PrmReadout
{
    /// <summary>
    /// For each input, one score per step position. The inputs' common token prefix (the prompt, and the steps they
    /// share, as the children of one search state do) is fed once in a parent sequence; each input then reads its own
    /// rest in a fork of it, sharing the prefix's pages. All forks are submitted at once, so the engine batches them,
    /// and each is disposed (its pages released) as soon as it is read. When one input fails, the others are
    /// cancelled and its error is thrown.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<double>>> ScoreAsync(InferenceEngine engine, IReadOnlyList<PrmInput> inputs,
        int positive, int negative, CancellationToken cancellationToken)
    {
        var results = new IReadOnlyList<double>[inputs.Count];
        var work = Enumerable.Range(0, inputs.Count).Where(i => inputs[i].StepPositions.Length > 0).ToList();
        foreach (int i in Enumerable.Range(0, inputs.Count).Except(work))
            results[i] = [];
        if (work.Count == 0)
            return results;

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int shared = work.Count > 1 ? CommonPrefix(work.Select(i => inputs[i].Tokens).ToList()) : 0;
        double[] prefixScores = [];
        var children = new List<(int Input, EngineSequence Sequence)>();
        using (var parent = engine.CreateSequence())
        {
            if (shared > 0)
            {
                var first = inputs[work[0]];
                int[] prefixTags = [.. first.StepPositions.Where(p => p < shared)];
                if (prefixTags.Length > 0)
                {
                    prefixScores = await Read(parent, first.Tokens[..shared], prefixTags, positive, negative, failed.Token).ConfigureAwait(false);
                }
                else
                {
                    parent.Append(first.Tokens[..shared]);
                    await parent.PrefillAsync(failed.Token).ConfigureAwait(false);
                }
            }
            try
            {
                foreach (int i in work)
                {
                    if (inputs[i].StepPositions[^1] < shared)
                        results[i] = prefixScores;   // every step of it lies in the shared prefix
                    else
                        children.Add((i, shared > 0 ? parent.Fork() : engine.CreateSequence()));
                }
            }
            catch
            {
                foreach (var c in children)
                    c.Sequence.Dispose();
                throw;
            }
        }

        var tasks = children.Select(c => ReadRest(c.Sequence, inputs[c.Input], shared, prefixScores, positive, negative, failed)).ToArray();
        try
        {
            var rest = await Task.WhenAll(tasks).ConfigureAwait(false);
            for (int k = 0; k < children.Count; k++)
                results[children[k].Input] = rest[k];
            return results;
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

    private static async Task<IReadOnlyList<double>> ReadRest(EngineSequence sequence, PrmInput input, int shared, double[] prefixScores,
        int positive, int negative, CancellationTokenSource failed)
    {
        try
        {
            using (sequence)
            {
                int[] positions = [.. input.StepPositions.Where(p => p >= shared).Select(p => p - shared)];
                var rest = await Read(sequence, input.Tokens[shared..], positions, positive, negative, failed.Token).ConfigureAwait(false);
                return [.. prefixScores, .. rest];
            }
        }
        catch
        {
            failed.Cancel();
            throw;
        }
    }

    private static async Task<double[]> Read(EngineSequence sequence, int[] tokens, int[] positions, int positive, int negative, CancellationToken cancellationToken)
    {
        var outputs = await sequence.ReadOutputsAsync(tokens, positions, [positive, negative], cancellationToken).ConfigureAwait(false);
        var scores = new double[outputs.Count];
        for (int i = 0; i < scores.Length; i++)
            scores[i] = PositiveProbability(outputs[i][0], outputs[i][1]);
        return scores;
    }

    // The length of the longest token prefix all inputs share.
    private static int CommonPrefix(IReadOnlyList<int[]> tokens)
    {
        int length = tokens.Min(t => t.Length);
        for (int i = 0; i < length; i++)
            foreach (var t in tokens)
                if (t[i] != tokens[0][i])
                    return i;
        return length;
    }

    /// <summary>softmax([negative, positive])[1] = 1 / (1 + e^(negative − positive)), in double precision.</summary>
    public static double PositiveProbability(float positive, float negative) => 1.0 / (1.0 + Math.Exp((double)negative - positive));
}
