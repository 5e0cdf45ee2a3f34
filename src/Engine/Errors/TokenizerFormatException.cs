namespace Reasoning.Engine.Errors;

/// <summary>A tokenizer file (tokenizer.json, tokenizer_config.json) is malformed or uses a feature the engine does not support.</summary>
public sealed class TokenizerFormatException : ReasoningException
{
    /// <summary>The file that was being read (or a description of the source).</summary>
    public string FilePath { get; }

    /// <summary>Creates the exception; the message is prefixed with the source's name.</summary>
    public TokenizerFormatException(string source, string message, Exception? inner = null)
        : base($"{source}: {message}", inner)
    {
        FilePath = source;
    }
}
