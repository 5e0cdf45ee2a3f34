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

    // The token's text piece; the last token also takes the decoder's pending text, which may complete a stop string.
    private static GeneratedToken WithText(GeneratedToken token, string piece, ITextStreamDecoder decoder, StopStringMatcher matcher)
    {
        if (token.Finish is not null)
        {
            string tail = decoder.Flush();
            if (!matcher.Stopped)
                matcher.Push(tail);
            piece += tail;
        }
        return token with { Text = piece, StopString = matcher.StopString, StopIndex = matcher.StopIndex };
    }

    // Each fed position's logits score the token after it; a recomputation after a preemption scores nothing twice.
    private void Score(GenerationJob job, int fed, ReadOnlySpan<float> logits)
    {
        int vocab = Model.Config.VocabSize;
        var history = job.Sequence.History;
        for (int i = 0; i < fed; i++)
        {
            int target = job.InputOffset + job.Fed + i + 1;
            if (target != job.ScoreStart + job.Scores.Count || target >= history.Count)
                continue;
            var s = Sampler.Score(logits.Slice(i * vocab, vocab), history[target], job.ScoreTopLogprobs);
            job.Scores.Add(new ScoredToken(s.Id, s.Logprob, s.TopLogprobs));
        }
    }

    private readonly record struct Drawn(SampledToken Token, Exception? Error);

    private void Advance(GenerationJob job, int fed, Drawn drawn, ReadOnlyMemory<float> logits)
    {
        if (job.ScoreStart >= 0 && logits.Length > 0)
            Score(job, fed, logits.Span);
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
        string? piece = null;
        if (job.Options.StopTokenIds.Contains(sampled.Id))
            finish = FinishReason.Stop;
        else if (job.StopCondition?.Invoke(sampled.Id) ?? false)
            finish = FinishReason.Stop;
        else if (job.Decoder is { } decoder && job.Matcher is { } matcher)
        {
            // Stop strings are matched here, after the step, on text the request's own decoder produced: the token
            // whose text completes a stop string is the last one.
            piece = decoder.Push(sampled.Id);
            matcher.Push(piece);
            if (matcher.Stopped)
                finish = FinishReason.Stop;
        }
        if (finish is null && job.Generated >= job.MaxTokens)
            finish = FinishReason.Length;
        var token = new GeneratedToken(sampled.Id, sampled.Logprob, sampled.TopLogprobs, finish);
        if (job.Decoder is not null && job.Matcher is not null)
            token = WithText(token, piece ?? "", job.Decoder, job.Matcher);
        job.Input.Add(sampled.Id);
        job.Sequence.History.Add(sampled.Id);
        job.Output.Writer.TryWrite(token);
        if (finish is not null)
        {
            _active.Remove(job);
            Finish(job, finish, null);
        }
    }
}
