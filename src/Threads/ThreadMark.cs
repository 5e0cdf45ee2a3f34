namespace Reasoning.Threads;

/// <summary>
/// A point in a thread's context: a token position and the text length there. Taken with
/// <see cref="ReasoningThread.Mark"/>; used to truncate, prune and move without decoding.
/// </summary>
/// <param name="ThreadId">The thread the mark belongs to.</param>
/// <param name="Tokens">Tokens of the context before the mark.</param>
/// <param name="TextLength">Characters of the thread's text before the mark.</param>
public readonly record struct ThreadMark(int ThreadId, int Tokens, int TextLength);
