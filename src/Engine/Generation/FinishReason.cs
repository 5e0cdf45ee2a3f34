namespace Reasoning.Engine.Generation;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token or stop condition was met.</summary>
    Stop,
    /// <summary>The token budget or the context window ran out.</summary>
    Length,
}
