namespace Reasoning.Training.Kernels;

/// <summary>Softmax cross-entropy of one row of logits against a target id, fused with its gradient.</summary>
public static class CrossEntropy
{
    /// <summary>
    /// Returns −log softmax(logits)[target] and overwrites <paramref name="logits"/> with its gradient scaled by
    /// <paramref name="weight"/>: weight · (softmax − onehot(target)). A weight of zero (a masked token) writes zeros.
    /// </summary>
    public static float ForwardBackward(Span<float> logits, int target, float weight)
    {
        float max = float.NegativeInfinity;
        foreach (float z in logits)
            max = Math.Max(max, z);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
            sum += Math.Exp(logits[i] - max);
        float logSum = (float)Math.Log(sum) + max;
        float loss = logSum - logits[target];
        for (int i = 0; i < logits.Length; i++)
            logits[i] = weight * MathF.Exp(logits[i] - logSum);
        logits[target] -= weight;
        return loss;
    }
}
