using Reasoning.Engine.Errors;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Engine.Models;

/// <summary>
/// The token-classification head of <c>Qwen2ForProcessRewardModel</c> (Qwen2.5-Math-PRM), applied to the final-norm
/// hidden state of a token: <c>Linear(hidden, hidden) → ReLU → Linear(hidden, labels)</c>, both linears with biases.
/// In the checkpoint it is the <c>nn.Sequential</c> named <c>score</c>, so its tensors are <c>score.0.weight</c>,
/// <c>score.0.bias</c>, <c>score.2.weight</c> and <c>score.2.bias</c> (index 1 is the ReLU, which has none).
/// </summary>
public sealed class ScoreHead : IDisposable
{
    /// <summary>The tensor names, in checkpoint order.</summary>
    public static readonly IReadOnlyList<string> TensorNames = ["score.0.weight", "score.0.bias", "score.2.weight", "score.2.bias"];

    /// <summary>First linear, [hidden, hidden].</summary>
    public WeightMatrix Hidden { get; }
    /// <summary>First linear's bias, [hidden].</summary>
    public float[] HiddenBias { get; }
    /// <summary>Second linear, [labels, hidden].</summary>
    public WeightMatrix Output { get; }
    /// <summary>Second linear's bias, [labels].</summary>
    public float[] OutputBias { get; }

    /// <summary>Number of label logits per token.</summary>
    public int Labels => Output.Rows;

    /// <summary>Bytes of the two matrices.</summary>
    public long ByteLength => Hidden.ByteLength + Output.ByteLength;

    private ScoreHead(WeightMatrix hidden, float[] hiddenBias, WeightMatrix output, float[] outputBias)
    {
        Hidden = hidden;
        HiddenBias = hiddenBias;
        Output = output;
        OutputBias = outputBias;
    }

    /// <summary>Reads the head from <paramref name="store"/>, checking every tensor's presence and shape.</summary>
    /// <exception cref="ModelFormatException">A tensor of the head is missing or has the wrong shape.</exception>
    public static ScoreHead Load(WeightStore store, int hidden, int labels)
    {
        foreach (var name in TensorNames)
            if (!store.Contains(name))
                throw new ModelFormatException(store.Directory,
                    $"is missing: a Qwen2ForProcessRewardModel checkpoint needs its score head, Sequential(Linear({hidden}, {hidden}), ReLU, Linear({hidden}, {labels})), saved as {string.Join(", ", TensorNames)}. Is this a causal LM whose config.json names the wrong architecture?",
                    name);
        var hiddenInfo = store.Get("score.0.weight", hidden, hidden);
        var hiddenBias = store.ReadFloats(store.Get("score.0.bias", hidden));
        var outputInfo = store.Get("score.2.weight", labels, hidden);
        var outputBias = store.ReadFloats(store.Get("score.2.bias", labels));
        var first = WeightMatrix.Pack(store.GetBytes(hiddenInfo), hiddenInfo.DType, hidden, hidden);
        try
        {
            var second = WeightMatrix.Pack(store.GetBytes(outputInfo), outputInfo.DType, labels, hidden);
            return new ScoreHead(first, hiddenBias, second, outputBias);
        }
        catch
        {
            first.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies the head to <paramref name="rows"/> normed hidden states in <paramref name="x"/> ([rows, hidden]),
    /// writing [rows, labels] label logits to <paramref name="y"/>. Each row's result depends on that row alone.
    /// </summary>
    public void Apply(ReadOnlySpan<float> x, int rows, Span<float> y, ThreadTeam? team = null)
    {
        var h = new float[rows * Hidden.Rows];
        MatMul.Multiply(Hidden, x, rows, h, HiddenBias, team);
        for (int i = 0; i < h.Length; i++)
            h[i] = Math.Max(h[i], 0f);
        MatMul.Multiply(Output, h, rows, y, OutputBias, team);
    }

    /// <summary>Frees the matrices.</summary>
    public void Dispose()
    {
        Hidden.Dispose();
        Output.Dispose();
    }
}
