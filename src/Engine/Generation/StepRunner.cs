using Reasoning.Engine.Execution;
using Reasoning.Engine.Kernels;
using Reasoning.Engine.Models;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>What one row of a step produced: its drawn token (when it sampled) and the tokens it scored.</summary>
/// <param name="Token">The drawn token, when the row finished its input and samples.</param>
/// <param name="Error">Why the draw failed, for this row alone.</param>
/// <param name="Scores">Scores of given tokens that this row's logits produced (empty for other rows).</param>
/// <param name="Reads">For a readout job: the values read, each with its index in the job's read positions.</param>
internal readonly record struct RowOutcome(SampledToken? Token, Exception? Error, IReadOnlyList<ScoredToken> Scores,
    IReadOnlyList<(int Index, float[] Values)>? Reads = null);

/// <summary>
/// Runs one planned step: the batched forward pass, then each row's draw and scores, on the loop thread and without
/// the engine's lock. Everything it touches was fixed under the lock before: the rows' tail pages are reserved and
/// unshared, their sequences are busy (no other thread may change them), and nothing here allocates or releases a
/// page, so other threads may fork, truncate, create and dispose idle sequences meanwhile.
/// </summary>
internal sealed class StepRunner(TransformerModel model, ThreadTeam team) : IDisposable
{
    private readonly ForwardPass _pass = new(model, team);

    /// <summary>Runs the pass over <paramref name="rows"/> (row r feeds <paramref name="jobs"/>[r]) and reads its logits.</summary>
    public RowOutcome[] Run(IReadOnlyList<GenerationJob> jobs, IReadOnlyList<BatchRow> rows)
    {
        var logits = _pass.StepShared(rows, reserved: true);
        var outcomes = new RowOutcome[rows.Count];
        // Each due draw and each scored position is one item on the thread team: over 151,936 logits a log-softmax is
        // ~0.1 ms that the other cores would otherwise spend waiting. Items are independent, so results do not depend
        // on the threads.
        var items = new List<(int Row, int Position)>();
        var scores = new ScoredToken[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            var job = jobs[r];
            int fed = rows[r].Tokens.Length;
            if (job.Sample && job.MaxTokens > 0 && job.Remaining == fed)
                items.Add((r, -1));
            if (rows[r].AllLogits)
            {
                var targets = ScoredTargets(job, fed);
                scores[r] = new ScoredToken[targets.Count];
                foreach (int i in targets)
                    items.Add((r, i));
            }
        }
        var drawn = new SampledToken?[rows.Count];
        var errors = new Exception?[rows.Count];
        int vocab = model.Config.OutputWidth;
        team.For(items.Count, k =>
        {
            var (r, i) = items[k];
            var job = jobs[r];
            if (i < 0)
            {
                try
                {
                    drawn[r] = Sampler.Sample(logits[r].Span, job.Options, job.Random);
                }
                catch (Exception e)
                {
                    errors[r] = e;
                }
                return;
            }
            int target = job.InputOffset + job.Fed + i + 1;
            var s = Sampler.Score(logits[r].Span.Slice(i * vocab, vocab), job.Sequence.History[target], job.ScoreTopLogprobs);
            scores[r][target - job.ScoreStart - job.Scores.Count] = new ScoredToken(s.Id, s.Logprob, s.TopLogprobs);
        });
        for (int r = 0; r < rows.Count; r++)
            outcomes[r] = new RowOutcome(drawn[r], errors[r], scores[r] ?? [], Reads(jobs[r], rows[r], logits[r].Span, vocab));
        return outcomes;
    }

    // A readout copies only the requested outputs of each read position: a handful of floats, not the whole row.
    private static List<(int, float[])>? Reads(GenerationJob job, BatchRow row, ReadOnlySpan<float> logits, int width)
    {
        if (job.ReadPositions is not { } positions || row.OutputPositions is not { Length: > 0 } read)
            return null;
        var result = new List<(int, float[])>(read.Length);
        int start = job.InputOffset + job.Fed;
        for (int k = 0; k < read.Length; k++)
        {
            var values = new float[job.ReadIds.Length];
            for (int j = 0; j < values.Length; j++)
                values[j] = logits[k * width + job.ReadIds[j]];
            result.Add((Array.BinarySearch(positions, start + read[k]), values));
        }
        return result;
    }

    // The row positions whose logits score a token not scored yet (a recomputation after a preemption scores nothing
    // twice): position i's logits score history token InputOffset + Fed + i + 1.
    private static List<int> ScoredTargets(GenerationJob job, int fed)
    {
        var positions = new List<int>();
        int next = job.ScoreStart + job.Scores.Count;
        int count = job.Sequence.History.Count;
        for (int i = 0; i < fed; i++)
        {
            int target = job.InputOffset + job.Fed + i + 1;
            if (target == next + positions.Count && target < count)
                positions.Add(i);
        }
        return positions;
    }

    public void Dispose() => _pass.Dispose();
}
