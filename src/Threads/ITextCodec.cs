namespace Reasoning.Threads;

/// <summary>Turns text into token ids and streams ids back into text; a tokenizer seen from the threads layer.</summary>
public interface ITextCodec
{
    /// <summary>Token ids of <paramref name="text"/>, with no special tokens added.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The text of a whole id sequence (special tokens kept as text).</summary>
    string Decode(IReadOnlyList<int> ids);

    /// <summary>A decoder that turns ids into text as they come, never emitting half a character.</summary>
    ITokenStreamDecoder CreateDecoder();

    /// <summary>Ids that end a generation (end-of-sequence tokens).</summary>
    IReadOnlyList<int> EndOfSequenceIds { get; }
}

/// <summary>Incremental decoding of generated ids.</summary>
public interface ITokenStreamDecoder
{
    /// <summary>Adds one id; returns the text it completes.</summary>
    string Push(int id);

    /// <summary>Returns whatever text is still held back.</summary>
    string Flush();
}
