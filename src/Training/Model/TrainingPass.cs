using Reasoning.Training.Kernels;

namespace Reasoning.Training.Model;

/// <summary>
/// Forward and backward of a Llama model over one <see cref="PackedBatch"/>, on a flat parameter vector laid out by
/// <see cref="ParameterLayout"/>. Buffers are sized once for <c>maxTokens</c> and reused; per layer the forward keeps
/// the residual stream before attention and before the MLP, q/k/v (after RoPE), the attention output and its
/// log-sum-exp, and the MLP's gate and up; normalized inputs and the SwiGLU output are recomputed in the backward.
/// Every reduction runs in a fixed order, so the gradient is bitwise the same for any thread count.
/// </summary>
public sealed class TrainingPass
{
    private readonly ParameterLayout _layout;
    private readonly int _maxTokens, _threads;
    private readonly int _h, _qw, _kvw, _inter, _vocab;
    private readonly float _eps;
    private readonly CausalAttention.Shape _shape;
    private readonly RopeTable _rope;
    private readonly ParallelOptions _parallel;
    // Saved activations, one array per layer, token-major.
    private readonly float[][] _xIn, _xMid, _q, _k, _v, _att, _lse, _gate, _up;
    private readonly float[] _xFinal, _logits, _r;
    // Scratch for the backward.
    private readonly float[] _hs, _act, _dx, _dh, _dAct, _dGate, _dUp, _dAtt, _dq, _dk, _dv;

    /// <summary>The parameter layout this pass runs.</summary>
    public ParameterLayout Layout => _layout;

    /// <summary>The most tokens one batch may hold.</summary>
    public int MaxTokens => _maxTokens;

    /// <summary>Allocates buffers for batches of up to <paramref name="maxTokens"/> tokens and sequences of up to <paramref name="maxPositions"/>.</summary>
    public TrainingPass(ParameterLayout layout, int maxTokens, int maxPositions, int threads = 0)
    {
        var c = layout.Config;
        _layout = layout;
        _maxTokens = maxTokens;
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        (_h, _qw, _kvw, _inter, _vocab, _eps) = (c.HiddenSize, c.QueryWidth, c.KvWidth, c.IntermediateSize, c.VocabSize, c.RmsNormEps);
        _shape = new CausalAttention.Shape(c.NumHeads, c.NumKvHeads, c.HeadDim);
        _rope = new RopeTable(c.HeadDim, c.RopeTheta, maxPositions);
        float[][] PerLayer(int width) => Enumerable.Range(0, c.NumLayers).Select(_ => new float[maxTokens * width]).ToArray();
        _xIn = PerLayer(_h); _xMid = PerLayer(_h);
        _q = PerLayer(_qw); _k = PerLayer(_kvw); _v = PerLayer(_kvw); _att = PerLayer(_qw); _lse = PerLayer(c.NumHeads);
        _gate = PerLayer(_inter); _up = PerLayer(_inter);
        _xFinal = new float[maxTokens * _h];
        _logits = new float[maxTokens * _vocab];
        _r = new float[maxTokens];
        _hs = new float[maxTokens * _h]; _dx = new float[maxTokens * _h]; _dh = new float[maxTokens * _h];
        _act = new float[maxTokens * _inter]; _dAct = new float[maxTokens * _inter]; _dGate = new float[maxTokens * _inter]; _dUp = new float[maxTokens * _inter];
        _dAtt = new float[maxTokens * _qw]; _dq = new float[maxTokens * _qw]; _dk = new float[maxTokens * _kvw]; _dv = new float[maxTokens * _kvw];
    }

    /// <summary>Runs the forward only and returns the logits [tokens × vocab] of every input (a copy).</summary>
    public float[] Logits(float[] weights, PackedBatch batch)
    {
        Forward(weights, batch);
        return _logits.AsSpan(0, batch.Tokens * _vocab).ToArray();
    }

    /// <summary>
    /// Runs forward and backward; adds the gradient of L = Σ_t weight_t · CE_t into <paramref name="grads"/> and returns
    /// (L, Σ over weighted tokens of the plain CE) so callers can report a mean loss.
    /// </summary>
    public (double WeightedLoss, double LossSum) ForwardBackward(float[] weights, float[] grads, PackedBatch batch)
    {
        Forward(weights, batch);
        int m = batch.Tokens;
        var losses = new float[m];
        Parallel.For(0, m, _parallel, t =>
            losses[t] = CrossEntropy.ForwardBackward(_logits.AsSpan(t * _vocab, _vocab), batch.Targets[t], batch.Weights[t]));
        double weighted = 0, sum = 0;
        for (int t = 0; t < m; t++)
            if (batch.Weights[t] != 0f)
            {
                weighted += (double)batch.Weights[t] * losses[t];
                sum += losses[t];
            }
        Backward(weights, grads, batch);
        return (weighted, sum);
    }

    private void Forward(float[] w, PackedBatch batch)
    {
        int m = batch.Tokens;
        if (m > _maxTokens)
            throw new ArgumentException($"the batch has {m} tokens; this pass was sized for {_maxTokens}.");
        if (batch.Segments.Max(s => s.Length) > _rope.Positions)
            throw new TrainingException($"a sequence is longer than the {_rope.Positions} positions the pass was built for.");
        var c = _layout.Config;
        for (int t = 0; t < m; t++)
        {
            int id = batch.Inputs[t];
            if ((uint)id >= (uint)_vocab)
                throw new TrainingException($"token id {id} is outside the vocabulary [0, {_vocab}); the tokenizer and config.json disagree.");
            Array.Copy(w, _layout.Embeddings + id * _h, _xIn[0], t * _h, _h);
        }
        for (int l = 0; l < c.NumLayers; l++)
        {
            var o = _layout.Layers[l];
            float[] x = _xIn[l], xMid = _xMid[l];
            Normalize(x, w, o.InputNorm, m);
            Gemm.Forward(_hs, 0, m, _h, w, o.Q, _qw, _q[l], 0, false, _threads);
            Gemm.Forward(_hs, 0, m, _h, w, o.K, _kvw, _k[l], 0, false, _threads);
            Gemm.Forward(_hs, 0, m, _h, w, o.V, _kvw, _v[l], 0, false, _threads);
            float[] q = _q[l], k = _k[l];
            Parallel.For(0, m, _parallel, t =>
            {
                for (int head = 0; head < c.NumHeads; head++)
                    _rope.Forward(q.AsSpan(t * _qw + head * c.HeadDim, c.HeadDim), batch.Positions[t]);
                for (int head = 0; head < c.NumKvHeads; head++)
                    _rope.Forward(k.AsSpan(t * _kvw + head * c.HeadDim, c.HeadDim), batch.Positions[t]);
            });
            CausalAttention.Forward(_shape, batch.Segments, q, k, _v[l], _att[l], _lse[l], _threads);
            Array.Copy(x, xMid, m * _h);
            Gemm.Forward(_att[l], 0, m, _qw, w, o.O, _h, xMid, 0, true, _threads);

            Normalize(xMid, w, o.PostNorm, m);
            Gemm.Forward(_hs, 0, m, _h, w, o.Gate, _inter, _gate[l], 0, false, _threads);
            Gemm.Forward(_hs, 0, m, _h, w, o.Up, _inter, _up[l], 0, false, _threads);
            SwiGluAll(_gate[l], _up[l], m);
            float[] next = l + 1 < c.NumLayers ? _xIn[l + 1] : _xFinal;
            Array.Copy(xMid, next, m * _h);
            Gemm.Forward(_act, 0, m, _inter, w, o.Down, _h, next, 0, true, _threads);
        }
        Normalize(_xFinal, w, _layout.FinalNorm, m);
        Gemm.Forward(_hs, 0, m, _h, w, _layout.LmHead, _vocab, _logits, 0, false, _threads);
    }

    private void Backward(float[] w, float[] g, PackedBatch batch)
    {
        int m = batch.Tokens;
        var c = _layout.Config;
        // _logits now holds dL/dlogits; _hs still holds the final normalized state.
        Gemm.BackwardWeight(_logits, 0, m, _vocab, _hs, 0, _h, g, _layout.LmHead, _threads);
        Gemm.BackwardInput(_logits, 0, m, _vocab, w, _layout.LmHead, _h, _dh, 0, false, _threads);
        Array.Clear(_dx, 0, m * _h);
        NormalizeBackward(_xFinal, w, g, _layout.FinalNorm, m);

        for (int l = c.NumLayers - 1; l >= 0; l--)
        {
            var o = _layout.Layers[l];
            // MLP: x_next = xMid + Down · swiglu(Gate · n(xMid), Up · n(xMid)).
            SwiGluAll(_gate[l], _up[l], m);
            Gemm.BackwardWeight(_dx, 0, m, _h, _act, 0, _inter, g, o.Down, _threads);
            Gemm.BackwardInput(_dx, 0, m, _h, w, o.Down, _inter, _dAct, 0, false, _threads);
            float[] gate = _gate[l], up = _up[l];
            Parallel.For(0, m, _parallel, t =>
            {
                var range = new Range(t * _inter, (t + 1) * _inter);
                SwiGlu.Backward(gate.AsSpan(range), up.AsSpan(range), _dAct.AsSpan(range), _dGate.AsSpan(range), _dUp.AsSpan(range));
            });
            Normalize(_xMid[l], w, o.PostNorm, m);
            Gemm.BackwardWeight(_dGate, 0, m, _inter, _hs, 0, _h, g, o.Gate, _threads);
            Gemm.BackwardWeight(_dUp, 0, m, _inter, _hs, 0, _h, g, o.Up, _threads);
            Gemm.BackwardInput(_dGate, 0, m, _inter, w, o.Gate, _h, _dh, 0, false, _threads);
            Gemm.BackwardInput(_dUp, 0, m, _inter, w, o.Up, _h, _dh, 0, true, _threads);
            NormalizeBackward(_xMid[l], w, g, o.PostNorm, m);

            // Attention: xMid = xIn + O · attention(rope(Q · n(xIn)), rope(K · n(xIn)), V · n(xIn)).
            Gemm.BackwardWeight(_dx, 0, m, _h, _att[l], 0, _qw, g, o.O, _threads);
            Gemm.BackwardInput(_dx, 0, m, _h, w, o.O, _qw, _dAtt, 0, false, _threads);
            CausalAttention.Backward(_shape, batch.Segments, _q[l], _k[l], _v[l], _att[l], _lse[l], _dAtt, _dq, _dk, _dv, _threads);
            Parallel.For(0, m, _parallel, t =>
            {
                for (int head = 0; head < c.NumHeads; head++)
                    _rope.Backward(_dq.AsSpan(t * _qw + head * c.HeadDim, c.HeadDim), batch.Positions[t]);
                for (int head = 0; head < c.NumKvHeads; head++)
                    _rope.Backward(_dk.AsSpan(t * _kvw + head * c.HeadDim, c.HeadDim), batch.Positions[t]);
            });
            Normalize(_xIn[l], w, o.InputNorm, m);
            Gemm.BackwardWeight(_dq, 0, m, _qw, _hs, 0, _h, g, o.Q, _threads);
            Gemm.BackwardWeight(_dk, 0, m, _kvw, _hs, 0, _h, g, o.K, _threads);
            Gemm.BackwardWeight(_dv, 0, m, _kvw, _hs, 0, _h, g, o.V, _threads);
            Gemm.BackwardInput(_dq, 0, m, _qw, w, o.Q, _h, _dh, 0, false, _threads);
            Gemm.BackwardInput(_dk, 0, m, _kvw, w, o.K, _h, _dh, 0, true, _threads);
            Gemm.BackwardInput(_dv, 0, m, _kvw, w, o.V, _h, _dh, 0, true, _threads);
            NormalizeBackward(_xIn[l], w, g, o.InputNorm, m);
        }
        // Embedding: scatter-add in token order (a fixed order, so repeated ids sum deterministically).
        for (int t = 0; t < m; t++)
        {
            var dst = g.AsSpan(_layout.Embeddings + batch.Inputs[t] * _h, _h);
            var src = _dx.AsSpan(t * _h, _h);
            for (int i = 0; i < _h; i++)
                dst[i] += src[i];
        }
    }

    // _hs[t] = rmsnorm(x[t]) · w, _r[t] = its inverse rms.
    private void Normalize(float[] x, float[] w, int normOffset, int m) =>
        Parallel.For(0, m, _parallel, t =>
            _r[t] = RmsNormOps.Forward(x.AsSpan(t * _h, _h), w.AsSpan(normOffset, _h), _eps, _hs.AsSpan(t * _h, _h)));

    // _dx += dnorm(_dh); g[norm] += Σ_t _dh[t] ∘ x[t] · r[t], summed over t in order for each column.
    private void NormalizeBackward(float[] x, float[] w, float[] g, int normOffset, int m)
    {
        Parallel.For(0, m, _parallel, t =>
            RmsNormOps.Backward(x.AsSpan(t * _h, _h), w.AsSpan(normOffset, _h), _r[t], _dh.AsSpan(t * _h, _h), _dx.AsSpan(t * _h, _h), default));
        int parts = _threads;
        Parallel.For(0, parts, _parallel, part =>
        {
            int c0 = _h * part / parts, c1 = _h * (part + 1) / parts;
            var dw = g.AsSpan(normOffset, _h);
            for (int t = 0; t < m; t++)
            {
                float r = _r[t];
                int row = t * _h;
                for (int i = c0; i < c1; i++)
                    dw[i] += _dh[row + i] * x[row + i] * r;
            }
        });
    }

    private void SwiGluAll(float[] gate, float[] up, int m) =>
        Parallel.For(0, m, _parallel, t =>
        {
            var range = new Range(t * _inter, (t + 1) * _inter);
            SwiGlu.Forward(gate.AsSpan(range), up.AsSpan(range), _act.AsSpan(range));
        });
}
