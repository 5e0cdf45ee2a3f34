using Reasoning.Engine.Tokenization;

namespace Reasoning.Training.Data;

/// <summary>The engine's Hugging Face tokenizer as the trainer's encoder.</summary>
public sealed class TokenizerEncoder : ITextEncoder
{
    private readonly Tokenizer _tokenizer;

    /// <summary>Wraps <paramref name="tokenizer"/>; EOS is its first end-of-sequence id, else <c>&lt;|endoftext|&gt;</c>.</summary>
    /// <exception cref="Engine.Errors.TokenizerFormatException">The tokenizer names no end-of-sequence token.</exception>
    public TokenizerEncoder(Tokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        EosId = tokenizer.EosTokenIds.Count > 0 ? tokenizer.EosTokenIds[0]
            : tokenizer.TokenToId("<|endoftext|>") ?? tokenizer.TokenToId("</s>")
            ?? throw new Engine.Errors.TokenizerFormatException("tokenizer", "names no end-of-sequence token (eos_token in tokenizer_config.json, or <|endoftext|> / </s> in the vocabulary); the trainer appends one after each completion.");
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _tokenizer.Encode(text, addSpecialTokens: false);

    /// <inheritdoc />
    public int EosId { get; }

    /// <inheritdoc />
    public int VocabSize => _tokenizer.VocabSize;
}
