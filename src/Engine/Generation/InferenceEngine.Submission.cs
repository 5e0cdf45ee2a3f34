using Reasoning.Engine.Errors;
using Reasoning.Engine.Kv;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>What a sequence asks of the engine: feed its pending tokens, then sample or score.</summary>
/// <param name="Sample">Sample tokens after the input (generation); otherwise only feed it.</param>
/// <param name="Options">Sampling, stop token ids and the token budget.</param>
/// <param name="StopStrings">Stop strings and the decoder the engine matches them with.</param>
/// <param name="ScoreTokens">Tokens to append and score (each one's log-probability given those before it).</param>
/// <param name="ScoreTopLogprobs">Alternatives reported with each scored token.</param>
/// <param name="Read">Tokens to append and the outputs to read at some of them.</param>
internal sealed record JobRequest(bool Sample, SamplingOptions Options,
    StopStrings? StopStrings = null, IReadOnlyList<int>? ScoreTokens = null, int ScoreTopLogprobs = 0, OutputRead? Read = null);

/// <summary>A readout: tokens to append, indices into them whose outputs are read, and which outputs.</summary>
internal sealed record OutputRead(IReadOnlyList<int> Tokens, IReadOnlyList<int> Positions, IReadOnlyList<int> Ids);

// Submission: checks a request against the model and the pool, and hands the job to the loop.
public sealed partial class InferenceEngine
{
    internal GenerationJob Submit(EngineSequence sequence, JobRequest request, CancellationToken ct)
    {
        var options = request.Options;
        int vocab = Model.Config.VocabSize;
        options.Validate(vocab);
        var scored = request.ScoreTokens;
        if (scored is not null)
        {
            if (request.ScoreTopLogprobs < 0 || request.ScoreTopLogprobs > Math.Min(vocab, 100))
                throw new InvalidRequestException($"top-logprobs {request.ScoreTopLogprobs} is invalid; use 0 to {Math.Min(vocab, 100)}.");
            foreach (int t in scored)
                if ((uint)t >= (uint)vocab)
                    throw new InvalidRequestException($"token id {t} to score is outside the vocabulary [0, {vocab}).");
        }
        if (Model.ScoreHead is not null && (request.Sample || scored is not null))
            throw new InvalidRequestException(
                $"{Model.Source} has a score head ({Model.Config.OutputWidth} label logits per token) and no language-model head: it cannot generate or score tokens. Read its outputs at chosen positions with ReadOutputsAsync.");
        var read = request.Read;
        if (read is not null)
            CheckRead(read, vocab);
        int context = Model.Config.MaxPositionEmbeddings;
        lock (KvLock)
        {
            sequence.ThrowIfUnusable();
            if (request.Sample || scored is not null)
                sequence.ThrowIfTailNeedsTokens();
            var history = sequence.History;
            int length = history.Count + (scored?.Count ?? 0) + (read?.Tokens.Count ?? 0);
            if (length > context)
                throw new InvalidRequestException($"the sequence would hold {length} tokens but the model's context window is {context}; shorten the prompt.");
            CheckFits(length + (request.Sample && options.MaxTokens > 0 ? 1 : 0));
            foreach (int t in history)
                if ((uint)t >= (uint)vocab)
                    throw new InvalidRequestException($"token id {t} is outside the vocabulary [0, {vocab}).");
            int scoreStart = -1;
            if (scored is not null)
            {
                if (history.Count == 0)
                    throw new InvalidRequestException("there is no context to score after: the first token's log-probability is conditioned on the tokens before it. Append at least one context token (a BOS token, for example) first.");
                scoreStart = history.Count;
                history.AddRange(scored);
            }
            int readStart = history.Count;
            if (read is not null)
                history.AddRange(read.Tokens);
            // Everything before the first token to score (or to sample after) is computed already: re-feed the last
            // such token to get the logits that follow it.
            int needLogitsAfter = scored is not null ? scoreStart : request.Sample ? history.Count : -1;
            if (needLogitsAfter >= 0 && sequence.FedCount >= needLogitsAfter)
            {
                if (needLogitsAfter == 0)
                    throw new InvalidRequestException("there is nothing to generate from: the prompt is empty. Give at least one token.");
                sequence.FedCount = needLogitsAfter - 1;
                sequence.Kv.Truncate(sequence.FedCount);
            }
            sequence.Busy = true;
            var job = new GenerationJob
            {
                Sequence = sequence,
                Input = [.. history.Skip(sequence.FedCount)],
                InputOffset = sequence.FedCount,
                Sample = request.Sample,
                Options = options,
                MaxTokens = Math.Min(options.MaxTokens, context - history.Count),
                Decoder = request.StopStrings?.Decoder.CreateStreamDecoder(),
                Matcher = request.StopStrings is null ? null : new StopStringMatcher(request.StopStrings.Strings),
                ScoreStart = scoreStart,
                ScoreTopLogprobs = request.ScoreTopLogprobs,
                ReadPositions = read is null ? null : [.. read.Positions.Select(p => readStart + p)],
                ReadIds = read is null ? [] : [.. read.Ids],
                Reads = new float[]?[read?.Positions.Count ?? 0],
                Cancellation = ct,
                Random = new RandomStream(options.Seed),
                Arrival = ++_arrivals,
                MaxUnread = Options.MaxUnreadTokens,
            };
            if (!_incoming.Writer.TryWrite(job))
            {
                sequence.Busy = false;
                if (scored is not null)
                    history.RemoveRange(scoreStart, scored.Count);
                if (read is not null)
                    history.RemoveRange(readStart, read.Tokens.Count);
                throw new ObjectDisposedException(nameof(InferenceEngine));
            }
            job.WakeOnCancel = ct.Register(Wake);
            Wake();
            return job;
        }
    }

    private void CheckRead(OutputRead read, int vocab)
    {
        int width = Model.Config.OutputWidth;
        if (read.Tokens.Count == 0)
            throw new InvalidRequestException("a readout needs at least one token to append: its positions index the appended tokens.");
        foreach (int t in read.Tokens)
            if ((uint)t >= (uint)vocab)
                throw new InvalidRequestException($"token id {t} is outside the vocabulary [0, {vocab}).");
        if (read.Positions.Count == 0)
            throw new InvalidRequestException("a readout needs at least one position to read.");
        for (int i = 0; i < read.Positions.Count; i++)
        {
            int p = read.Positions[i];
            if (p < 0 || p >= read.Tokens.Count)
                throw new InvalidRequestException($"readout position {p} is outside the {read.Tokens.Count} appended tokens; positions index the tokens given (0 is the first).");
            if (i > 0 && p <= read.Positions[i - 1])
                throw new InvalidRequestException($"readout positions must be ascending and distinct; {p} follows {read.Positions[i - 1]}.");
        }
        if (read.Ids.Count == 0)
            throw new InvalidRequestException("a readout needs at least one output index to read.");
        foreach (int id in read.Ids)
            if ((uint)id >= (uint)width)
                throw new InvalidRequestException($"output index {id} is outside the model's {width} outputs per token ({(Model.ScoreHead is null ? "vocabulary logits" : "score-head labels")}).");
    }

    // A sequence of this many tokens must fit the whole pool alone, or it could never run.
    private void CheckFits(long tokens)
    {
        long neededPages = (tokens + Options.PageSize - 1) / Options.PageSize;
        if (neededPages <= Pool.PageCount)
            return;
        long bytes = neededPages * Options.PageSize * Pool.BytesPerToken;
        throw new KvCacheExhaustedException(
            $"the sequence needs {tokens} tokens of KV cache ({neededPages} pages of {Options.PageSize}, {bytes / (1 << 20) + 1} MiB) but the whole pool holds {Pool.PageCount} pages ({(long)Pool.PageCount * Options.PageSize * Pool.BytesPerToken / (1 << 20)} MiB); give the engine more KV memory (--kv-memory) or shorten the prompt.");
    }
}
