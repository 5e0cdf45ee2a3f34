using Reasoning.Engine.Models;
using Reasoning.Engine.Safetensors;

namespace Reasoning.Search.Tests.Prm;

/// <summary>
/// A scalar float64 forward pass written from the Hugging Face modeling code, independent of the engine's kernels, KV
/// cache and batching: for each position, RMSNorm, q/k/v projections (with Qwen2's biases), rotate-half RoPE,
/// attention over every earlier position under an explicit causal mask, the SwiGLU MLP, the final norm; then the
/// language-model head or Qwen2ForProcessRewardModel's score head (Linear, ReLU, Linear).
/// </summary>
internal sealed class ReferenceForward : IDisposable
{
    private readonly ModelConfig _c;
    private readonly WeightStore _store;

    public ReferenceForward(string directory)
    {
        _c = ModelConfig.Load(Path.Combine(directory, "config.json"));
        if (_c.Architecture == Architecture.Qwen3)
            throw new NotSupportedException("the reference covers Llama and Qwen2 blocks");
        _store = WeightStore.Open(directory);
    }

    private double[] W(string name, params long[] shape) => [.. _store.ReadFloats(_store.Get(name, shape)).Select(v => (double)v)];

    public void Dispose() => _store.Dispose();

    /// <summary>The final-norm hidden state at every position of <paramref name="tokens"/>.</summary>
    public double[][] Hidden(IReadOnlyList<int> tokens)
    {
        int n = tokens.Count, hidden = _c.HiddenSize, hd = _c.HeadDim, heads = _c.NumHeads, kvHeads = _c.NumKvHeads;
        var emb = W("model.embed_tokens.weight", _c.VocabSize, hidden);
        var x = new double[n][];
        for (int t = 0; t < n; t++)
            x[t] = emb.AsSpan(tokens[t] * hidden, hidden).ToArray();
        for (int l = 0; l < _c.NumLayers; l++)
        {
            string p = $"model.layers.{l}.";
            var inNorm = W(p + "input_layernorm.weight", hidden);
            var wq = W(p + "self_attn.q_proj.weight", _c.QueryWidth, hidden);
            var wk = W(p + "self_attn.k_proj.weight", _c.KvWidth, hidden);
            var wv = W(p + "self_attn.v_proj.weight", _c.KvWidth, hidden);
            var wo = W(p + "self_attn.o_proj.weight", hidden, _c.QueryWidth);
            double[]? bq = _c.AttentionBias ? W(p + "self_attn.q_proj.bias", _c.QueryWidth) : null;
            double[]? bk = _c.AttentionBias ? W(p + "self_attn.k_proj.bias", _c.KvWidth) : null;
            double[]? bv = _c.AttentionBias ? W(p + "self_attn.v_proj.bias", _c.KvWidth) : null;
            var q = new double[n][];
            var k = new double[n][];
            var v = new double[n][];
            for (int t = 0; t < n; t++)
            {
                var h = RmsNorm(x[t], inNorm);
                q[t] = Rope(Linear(wq, bq, h), heads, t);
                k[t] = Rope(Linear(wk, bk, h), kvHeads, t);
                v[t] = Linear(wv, bv, h);
            }
            for (int t = 0; t < n; t++)
            {
                var att = new double[_c.QueryWidth];
                for (int head = 0; head < heads; head++)
                {
                    int g = head / (heads / kvHeads);
                    var scores = new double[n];
                    for (int j = 0; j < n; j++)
                    {
                        if (j > t)
                        {
                            scores[j] = double.NegativeInfinity;   // the causal mask
                            continue;
                        }
                        double dot = 0;
                        for (int d = 0; d < hd; d++)
                            dot += q[t][head * hd + d] * k[j][g * hd + d];
                        scores[j] = dot / Math.Sqrt(hd);
                    }
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j < n; j++)
                    {
                        double a = Math.Exp(scores[j] - max) / sum;
                        for (int d = 0; d < hd; d++)
                            att[head * hd + d] += a * v[j][g * hd + d];
                    }
                }
                var o = Linear(wo, null, att);
                for (int i = 0; i < hidden; i++)
                    x[t][i] += o[i];
            }
            var postNorm = W(p + "post_attention_layernorm.weight", hidden);
            var gate = W(p + "mlp.gate_proj.weight", _c.IntermediateSize, hidden);
            var up = W(p + "mlp.up_proj.weight", _c.IntermediateSize, hidden);
            var down = W(p + "mlp.down_proj.weight", hidden, _c.IntermediateSize);
            for (int t = 0; t < n; t++)
            {
                var h = RmsNorm(x[t], postNorm);
                var gh = Linear(gate, null, h);
                var uh = Linear(up, null, h);
                for (int i = 0; i < gh.Length; i++)
                    gh[i] = gh[i] / (1 + Math.Exp(-gh[i])) * uh[i];
                var m = Linear(down, null, gh);
                for (int i = 0; i < hidden; i++)
                    x[t][i] += m[i];
            }
        }
        var finalNorm = W("model.norm.weight", hidden);
        return [.. x.Select(row => RmsNorm(row, finalNorm))];
    }

    /// <summary>The language-model logits of a final hidden state (lm_head, or the tied embeddings).</summary>
    public double[] LmLogits(double[] hidden) =>
        Linear(W(_c.TieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight", _c.VocabSize, _c.HiddenSize), null, hidden);

    /// <summary>The two label logits of Qwen2ForProcessRewardModel's score head.</summary>
    public double[] ScoreLogits(double[] hidden)
    {
        int h = _c.HiddenSize;
        var first = Linear(W("score.0.weight", h, h), W("score.0.bias", h), hidden);
        for (int i = 0; i < first.Length; i++)
            first[i] = Math.Max(0, first[i]);
        return Linear(W("score.2.weight", 2, h), W("score.2.bias", 2), first);
    }

    private double[] RmsNorm(double[] x, double[] weight)
    {
        double ms = x.Sum(v => v * v) / x.Length;
        double scale = 1 / Math.Sqrt(ms + _c.RmsNormEps);
        return [.. x.Select((v, i) => v * scale * weight[i])];
    }

    private static double[] Linear(double[] w, double[]? bias, double[] x)
    {
        int rows = w.Length / x.Length;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = bias?[r] ?? 0;
            for (int i = 0; i < x.Length; i++)
                sum += w[r * x.Length + i] * x[i];
            y[r] = sum;
        }
        return y;
    }

    // HF rotate-half RoPE: dimension i pairs with i + headDim/2, at angle position · theta^(−2i/headDim).
    private double[] Rope(double[] v, int heads, int position)
    {
        int hd = _c.HeadDim, half = hd / 2;
        var r = (double[])v.Clone();
        for (int head = 0; head < heads; head++)
            for (int i = 0; i < half; i++)
            {
                double angle = position * Math.Pow(_c.RopeTheta, -2.0 * i / hd);
                double a = v[head * hd + i], b = v[head * hd + i + half];
                r[head * hd + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                r[head * hd + i + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
        return r;
    }
}
