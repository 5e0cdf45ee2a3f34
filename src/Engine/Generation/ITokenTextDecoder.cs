namespace Reasoning.Engine.Generation;

/// <summary>
/// Turns token ids into text for the engine's own stop-string matching. A request carries one (the tokenizer, or a
/// view of it), so the engine can decode each new token after the step without calling back into the caller's code.
/// </summary>
public interface ITokenTextDecoder
{
    /// <summary>A fresh decoder for one generation's tokens.</summary>
    ITextStreamDecoder CreateStreamDecoder();
}

/// <summary>Decodes one generation's tokens as they arrive; not thread-safe (one per generation).</summary>
public interface ITextStreamDecoder
{
    /// <summary>Adds one id; returns the text it completed (empty while a character is still incomplete).</summary>
    string Push(int id);

    /// <summary>Returns whatever text is still pending and starts afresh.</summary>
    string Flush();
}

/// <summary>
/// Stop strings as data: generation ends at the token whose text completes one of <paramref name="Strings"/>,
/// as <paramref name="Decoder"/> decodes the generated tokens. Tokens that are stop token ids are not decoded.
/// </summary>
/// <param name="Strings">The stop strings (empty ones are ignored); may be empty to only get each token's text.</param>
/// <param name="Decoder">How the engine decodes generated tokens into text.</param>
public sealed record StopStrings(IReadOnlyList<string> Strings, ITokenTextDecoder Decoder);
