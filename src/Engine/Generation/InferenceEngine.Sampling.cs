using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Reasoning.Engine.Execution;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

// After a forward pass: how each row's logits become its next token, and how a job moves on by the tokens it fed.
public sealed partial class InferenceEngine
{
    /// <summary>
    /// Draws the next token of every row that finishes its input this step, the rows side by side on the thread team
    /// (each from its own logits and its own random stream, so the draws are the same on any thread; over 151,936
    /// logits a draw is ~0.1 ms, which the other cores would otherwise spend waiting). A failed draw is kept for
    /// its row alone.
    /// </summary>
    private Drawn[] SampleRows(List<GenerationJob> jobs, List<BatchRow> rows, ReadOnlyMemory<float>[] logits)
    {
        var drawn = new Drawn[rows.Count];
        var due = new List<int>();
        for (int r = 0; r < rows.Count; r++)
        {
            var job = jobs[r];
            if (job.Sample && job.MaxTokens > 0 && job.Remaining == rows[r].Tokens.Length)
                due.Add(r);
        }
        _team.For(due.Count, i =>
        {
            int r = due[i];
            try
            {
                drawn[r] = new Drawn(Sampler.Sample(logits[r].Span, jobs[r].Options, jobs[r].Random), null);
            }
            catch (Exception e)
            {
                drawn[r] = new Drawn(default, e);
            }
        });
        return drawn;
    }

    private readonly record struct Drawn(SampledToken Token, Exception? Error);

    private void Advance(GenerationJob job, int fed, Drawn drawn)
    {
        job.Fed += fed;
        job.Sequence.FedCount += fed;
        if (job.Remaining > 0 || !job.Sample)
            return;
        if (job.MaxTokens <= 0)
        {
            _active.Remove(job);
            Finish(job, null, null);
            return;
        }
        if (drawn.Error is { } error)
            ExceptionDispatchInfo.Throw(error);
        var sampled = drawn.Token;
        if (job.Generated == 0)
            job.FirstTokenTicks = Stopwatch.GetTimestamp();
        job.Generated++;
        FinishReason? finish = null;
        if (job.Options.StopTokenIds.Contains(sampled.Id) || (job.StopCondition?.Invoke(sampled.Id) ?? false))
            finish = FinishReason.Stop;
        else if (job.Generated >= job.MaxTokens)
            finish = FinishReason.Length;
        job.Input.Add(sampled.Id);
        job.Sequence.History.Add(sampled.Id);
        job.Output.Writer.TryWrite(new GeneratedToken(sampled.Id, sampled.Logprob, sampled.TopLogprobs, finish));
        if (finish is not null)
        {
            _active.Remove(job);
            Finish(job, finish, null);
        }
    }
}
