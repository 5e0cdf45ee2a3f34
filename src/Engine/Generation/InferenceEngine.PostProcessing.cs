using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Reasoning.Engine.Generation;

// After a step, under the lock: a job moves on by the tokens it fed, takes its scores, its drawn token and its stops.
public sealed partial class InferenceEngine
{
    private void Advance(GenerationJob job, int fed, RowOutcome outcome)
    {
        job.Scores.AddRange(outcome.Scores);
        if (outcome.Reads is { } reads)
            foreach (var (index, values) in reads)
                job.Reads[index] = values;
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
        if (outcome.Error is { } error)
            ExceptionDispatchInfo.Throw(error);
        var sampled = outcome.Token!.Value;
        if (job.Generated == 0)
            job.FirstTokenTicks = Stopwatch.GetTimestamp();
        job.Generated++;
        FinishReason? finish = null;
        string? piece = null;
        if (job.Options.StopTokenIds.Contains(sampled.Id))
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
        job.Write(token);
        if (finish is not null)
        {
            _active.Remove(job);
            Finish(job, finish, null);
        }
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
}
