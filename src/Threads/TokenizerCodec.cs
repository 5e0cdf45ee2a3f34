using Reasoning.Engine.Generation;
using Reasoning.Engine.Tokenization;

namespace Reasoning.Threads;

/// <summary>The engine's Hugging Face tokenizer as the threads layer's <see cref="ITextCodec"/>.</summary>
public sealed class TokenizerCodec(Tokenizer tokenizer, IReadOnlyList<int>? endOfSequenceIds = null) : ITextCodec
{
    /// <summary>The wrapped tokenizer.</summary>
    public Tokenizer Tokenizer => tokenizer;

    /// <inheritdoc />
    public IReadOnlyList<int> EndOfSequenceIds { get; } = endOfSequenceIds ?? tokenizer.EosTokenIds;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => tokenizer.Encode(text, addSpecialTokens: false);

    /// <summary>
    /// The text of a whole id sequence (special tokens kept as text). Ids the tokenizer has no token for (a model's
    /// padding rows beyond the vocabulary, as Qwen's 151,936 embeddings against 151,669 tokens) add no text, as in
    /// <see cref="CreateStreamDecoder"/>'s streamed text, so a thread's text and the decode of its tokens agree.
    /// </summary>
    public string Decode(IReadOnlyList<int> ids) => tokenizer.Decode(ids.Where(id => tokenizer.IdToToken(id) is not null));

    /// <inheritdoc />
    public ITextStreamDecoder CreateStreamDecoder() => tokenizer.CreateStreamingDecoder();
}
