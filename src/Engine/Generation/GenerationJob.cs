using System.Diagnostics;
using System.Threading.Channels;
using Reasoning.Engine.Sampling;

namespace Reasoning.Engine.Generation;

/// <summary>
/// Work the engine loop does for one sequence: feed <see cref="Input"/> from <see cref="Fed"/> on, and, when
/// <see cref="Sample"/> is set, sample tokens (appending each to the input) until a stop. Touched only by the loop.
/// </summary>
internal sealed class GenerationJob
{
    public required EngineSequence Sequence { get; init; }
    public required List<int> Input { get; init; }
    public required bool Sample { get; init; }
    public required SamplingOptions Options { get; init; }
    public required int MaxTokens { get; init; }
    public Func<int, bool>? StopCondition { get; init; }
    /// <summary>Decodes generated tokens for <see cref="Matcher"/> and the streamed text pieces; null without stop strings.</summary>
    public ITextStreamDecoder? Decoder { get; init; }
    public StopStringMatcher? Matcher { get; init; }
    public CancellationToken Cancellation { get; init; }

    public Channel<GeneratedToken> Output { get; } = Channel.CreateUnbounded<GeneratedToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    public RandomStream Random { get; init; } = new(0);
    public int Fed;
    /// <summary>Order of submission: older jobs have priority and the newest is preempted first.</summary>
    public long Arrival;
    /// <summary>Preempted and not yet resumed: it waits until its whole input fits in the free pages.</summary>
    public bool Preempted;
    public int Generated;
    public long StartTicks = Stopwatch.GetTimestamp();
    public long FirstTokenTicks;
    public volatile bool CancelRequested;
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Remaining => Input.Count - Fed;
}
