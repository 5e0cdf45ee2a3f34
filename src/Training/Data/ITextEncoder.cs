namespace Reasoning.Training.Data;

/// <summary>
/// What the trainer needs from a tokenizer: text to ids (without special tokens), the end-of-sequence id appended
/// after every completion, and the vocabulary size the model must cover.
/// </summary>
public interface ITextEncoder
{
    /// <summary>Token ids of <paramref name="text"/>, without special tokens.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The id appended after each completion.</summary>
    int EosId { get; }

    /// <summary>Number of distinct ids the encoder can produce (the model's vocab_size must be at least this).</summary>
    int VocabSize { get; }
}
