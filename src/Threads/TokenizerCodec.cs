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

    /// <inheritdoc />
    public string Decode(IReadOnlyList<int> ids) => tokenizer.Decode(ids);

    /// <inheritdoc />
    public ITokenStreamDecoder CreateDecoder() => new StreamDecoder(tokenizer.CreateStreamingDecoder());

    private sealed class StreamDecoder(StreamingDecoder decoder) : ITokenStreamDecoder
    {
        public string Push(int id) => decoder.Push(id);
        public string Flush() => decoder.Flush();
    }
}
