using Reasoning.Engine.Generation;

namespace Reasoning.Threads;

/// <summary>
/// Turns text into token ids and streams ids back into text; a tokenizer seen from the threads layer. It is also the
/// decoder the engine matches a thread's stop strings with (<see cref="ITokenTextDecoder.CreateStreamDecoder"/>: a
/// fresh decoder that turns ids into text as they come, never emitting half a character), so the engine stops on
/// exactly the text the thread records.
/// </summary>
public interface ITextCodec : ITokenTextDecoder
{
    /// <summary>Token ids of <paramref name="text"/>, with no special tokens added.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The text of a whole id sequence (special tokens kept as text).</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>Ids that end a generation (end-of-sequence tokens).</summary>
    IReadOnlyList<int> EndOfSequenceIds { get; }
}
