using Reasoning.Engine.Errors;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Models;

namespace Reasoning.Engine.Execution;

/// <summary>
/// The engine's one primitive: one forward pass over a batch of rows. All rows' tokens are stacked so each weight
/// matrix is streamed once per step; attention runs per (token, head) over each row's own view. A row's logits do
/// not depend on the other rows of the batch, nor on how its tokens were split across steps.
/// </summary>
public sealed class ForwardPass : IDisposable
{
    private readonly TransformerModel _model;
    private readonly ThreadTeam _team;
    private readonly bool _ownsTeam;
    private readonly ThreadLocal<Attention.Scratch> _scratch;
    private float[] _x = [], _h = [], _q = [], _k = [], _v = [], _att = [], _gate = [], _up = [], _logits = [];

    /// <summary>The model being run.</summary>
    public TransformerModel Model => _model;

    /// <summary>Creates a forward pass over <paramref name="model"/>, using <paramref name="team"/> (or a team of its own).</summary>
    public ForwardPass(TransformerModel model, ThreadTeam? team = null)
    {
        _model = model;
        _ownsTeam = team is null;
        _team = team ?? new ThreadTeam();
        _scratch = new ThreadLocal<Attention.Scratch>(() => new Attention.Scratch(model.Config.HeadDim, 1024));
    }

    /// <summary>
    /// Runs one step: writes the rows' keys and values into their tails, commits the tokens, and returns each row's
    /// logits: [vocab] for the last token, [tokens × vocab] when the row asks for all of them, [positions × vocab] for
    /// the row's <see cref="BatchRow.OutputPositions"/>, empty when it asks for none. A model with a score head
    /// (<see cref="TransformerModel.ScoreHead"/>) returns its label logits in place of vocabulary logits, so a row's
    /// width is <see cref="ModelConfig.OutputWidth"/>.
    /// </summary>
    /// <exception cref="KvCacheExhaustedException">The page pool cannot hold the new tokens; no row was changed.</exception>
    /// <exception cref="InvalidRequestException">A token id is outside the vocabulary, a row has no tokens, or a row's
    /// output positions are out of order or out of range.</exception>
    public float[][] Step(IReadOnlyList<BatchRow> rows)
    {
        var shared = StepShared(rows);
        var result = new float[shared.Length][];
        for (int r = 0; r < shared.Length; r++)
            result[r] = shared[r].ToArray();
        return result;
    }

    /// <summary>
    /// <see cref="Step"/> without copying the logits: each row's are a view of one buffer that the next step
    /// overwrites (the engine samples from them at once; a copy of [16, 151,936] floats a step made the kernel zero
    /// fresh pages and the GC collect large objects).
    /// </summary>
    /// <remarks>
    /// With <paramref name="reserved"/>, the caller has reserved every row's tail already and the pass touches no page
    /// reference or free list (the engine runs it without its lock while other threads change idle sequences); the
    /// caller then commits the new tokens itself, under its lock, so that no other thread ever sees a tail longer than
    /// the tokens its sequence counts as computed (a span attached from a generating sequence mid-step).
    /// </remarks>
    internal ReadOnlyMemory<float>[] StepShared(IReadOnlyList<BatchRow> rows, bool reserved = false)
    {
        var c = _model.Config;
        int total = 0;
        foreach (var row in rows)
        {
            if (row.Tokens.Length == 0)
                throw new InvalidRequestException("a batch row has no tokens to feed.");
            foreach (int t in row.Tokens.Span)
                if ((uint)t >= (uint)c.VocabSize)
                    throw new InvalidRequestException($"token id {t} is outside the vocabulary [0, {c.VocabSize}).");
            if (row.OutputPositions is { } positions)
                for (int i = 0; i < positions.Length; i++)
                    if (positions[i] < 0 || positions[i] >= row.Tokens.Length || (i > 0 && positions[i] <= positions[i - 1]))
                        throw new InvalidRequestException($"output position {positions[i]} of a batch row is out of order or outside its {row.Tokens.Length} tokens; give ascending, distinct indices into the row's tokens.");
            total += row.Tokens.Length;
        }
        if (!reserved)
            ReserveAll(rows);

        EnsureBuffers(total);
        int hidden = c.HiddenSize;
        int at = 0;
        foreach (var row in rows)
            foreach (int t in row.Tokens.Span)
                _model.Embeddings.ReadRow(t, _x.AsSpan(at++ * hidden, hidden));

        var tokenRow = new int[total];
        var tokenIndex = new int[total];
        at = 0;
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < rows[r].Tokens.Length; i++)
            {
                tokenRow[at] = r;
                tokenIndex[at++] = i;
            }

        for (int l = 0; l < c.NumLayers; l++)
            RunLayer(l, rows, total, tokenRow, tokenIndex);

        if (!reserved)
            foreach (var row in rows)
                row.Kv.Commit(row.Tokens.Length);
        return ComputeLogits(rows, total);
    }

    private static void ReserveAll(IReadOnlyList<BatchRow> rows)
    {
        foreach (var row in rows)
            row.Kv.Reserve(row.Tokens.Length);
    }

    private void RunLayer(int l, IReadOnlyList<BatchRow> rows, int total, int[] tokenRow, int[] tokenIndex)
    {
        var c = _model.Config;
        var w = _model.Layers[l];
        int hidden = c.HiddenSize, qw = c.QueryWidth, kvw = c.KvWidth, hd = c.HeadDim, inter = c.IntermediateSize;

        for (int t = 0; t < total; t++)
            RmsNorm.Apply(_x.AsSpan(t * hidden, hidden), w.InputNorm, c.RmsNormEps, _h.AsSpan(t * hidden, hidden));
        MatMul.Multiply(w.Q, _h, total, _q, w.QBias, _team);
        MatMul.Multiply(w.K, _h, total, _k, w.KBias, _team);
        MatMul.Multiply(w.V, _h, total, _v, w.VBias, _team);

        var pool = rows[0].Kv.Pool;
        for (int t = 0; t < total; t++)
        {
            var kv = rows[tokenRow[t]].Kv;
            var tail = kv.Tail;
            int index = tail.Length + tokenIndex[t];
            if (w.QNorm is not null)
                for (int h = 0; h < c.NumHeads; h++)
                    RmsNorm.Apply(_q.AsSpan(t * qw + h * hd, hd), w.QNorm, c.RmsNormEps, _q.AsSpan(t * qw + h * hd, hd));
            var (page, slot) = kv.Locate(tail, index);
            for (int h = 0; h < c.NumKvHeads; h++)
            {
                var key = _k.AsSpan(t * kvw + h * hd, hd);
                if (w.KNorm is not null)
                    RmsNorm.Apply(key, w.KNorm, c.RmsNormEps, key);
                _model.Rope.Apply(key, tail.StoredStart + index);
                pool.Write(page, l, false, h, slot, key);
                pool.Write(page, l, true, h, slot, _v.AsSpan(t * kvw + h * hd, hd));
            }
        }

        // One item per (token, KV head): the query heads of a group read its keys and values once.
        int group = c.GroupSize;
        _team.For(total * c.NumKvHeads, item =>
        {
            int t = item / c.NumKvHeads, g = item % c.NumKvHeads;
            var kv = rows[tokenRow[t]].Kv;
            var spans = kv.Spans;
            Span<int> visible = spans.Count <= 64 ? stackalloc int[spans.Count] : new int[spans.Count];
            for (int s = 0; s < spans.Count; s++)
                visible[s] = spans[s].Length;
            visible[^1] += tokenIndex[t] + 1;
            int position = kv.Tail.LogicalStart + kv.Tail.Length + tokenIndex[t];
            Attention.ComputeGroup(_q.AsSpan(t * qw + g * group * hd, group * hd), group, position, spans, visible, pool, l, g,
                _model.Rope, _scratch.Value!, _att.AsSpan(t * qw + g * group * hd, group * hd));
        });

        MatMul.Multiply(w.O, _att, total, _h, default, _team);
        Vectors.Add(_x.AsSpan(0, total * hidden), _h);

        for (int t = 0; t < total; t++)
            RmsNorm.Apply(_x.AsSpan(t * hidden, hidden), w.PostAttentionNorm, c.RmsNormEps, _h.AsSpan(t * hidden, hidden));
        MatMul.Multiply(w.Gate, _h, total, _gate, default, _team);
        MatMul.Multiply(w.Up, _h, total, _up, default, _team);
        Activations.SiluMul(_gate.AsSpan(0, total * inter), _up.AsSpan(0, total * inter), _gate.AsSpan(0, total * inter));
        MatMul.Multiply(w.Down, _gate, total, _h, default, _team);
        Vectors.Add(_x.AsSpan(0, total * hidden), _h);
    }

    private ReadOnlyMemory<float>[] ComputeLogits(IReadOnlyList<BatchRow> rows, int total)
    {
        var c = _model.Config;
        int hidden = c.HiddenSize, width = c.OutputWidth;
        var selected = new List<int>();
        var counts = new int[rows.Count];
        int at = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            int before = selected.Count;
            foreach (int i in rows[r].SelectedPositions)
                selected.Add(at + i);
            counts[r] = selected.Count - before;
            at += rows[r].Tokens.Length;
        }
        var normed = new float[selected.Count * hidden];
        for (int i = 0; i < selected.Count; i++)
            RmsNorm.Apply(_x.AsSpan(selected[i] * hidden, hidden), _model.FinalNorm, c.RmsNormEps, normed.AsSpan(i * hidden, hidden));
        // One reused buffer for the batch's logits (a [16, 151,936] array a step made the kernel zero fresh pages).
        if (_logits.Length < selected.Count * width)
            _logits = new float[selected.Count * width];
        var logits = _logits;
        if (_model.ScoreHead is { } scoreHead)
            scoreHead.Apply(normed, selected.Count, logits, _team);
        else
            MatMul.Multiply(_model.LmHead!, normed, selected.Count, logits, default, _team);

        var result = new ReadOnlyMemory<float>[rows.Count];
        int k = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            result[r] = logits.AsMemory(k * width, counts[r] * width);
            k += counts[r];
        }
        return result;
    }

    private void EnsureBuffers(int tokens)
    {
        var c = _model.Config;
        if (_x.Length >= tokens * c.HiddenSize)
            return;
        int n = Math.Max(tokens, 16);
        _x = new float[n * c.HiddenSize];
        _h = new float[n * Math.Max(c.HiddenSize, c.QueryWidth)];
        _q = new float[n * c.QueryWidth];
        _k = new float[n * c.KvWidth];
        _v = new float[n * c.KvWidth];
        _att = new float[n * c.QueryWidth];
        _gate = new float[n * c.IntermediateSize];
        _up = new float[n * c.IntermediateSize];
    }

    /// <summary>Releases the thread team if this pass created it.</summary>
    public void Dispose()
    {
        _scratch.Dispose();
        if (_ownsTeam)
            _team.Dispose();
    }
}
