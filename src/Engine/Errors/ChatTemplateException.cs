namespace Reasoning.Engine.Errors;

/// <summary>What went wrong with a chat template.</summary>
public enum ChatTemplateErrorKind
{
    /// <summary>The template text is not valid Jinja (an unterminated tag, an unexpected token).</summary>
    Syntax,

    /// <summary>The template uses a Jinja construct (a tag, filter, test or method) that the renderer does not implement.</summary>
    Unsupported,

    /// <summary>Rendering failed on the values given (an operation on the wrong kinds of value).</summary>
    Render,

    /// <summary>The template itself rejected the conversation with <c>raise_exception(...)</c>.</summary>
    Raised,
}

/// <summary>
/// A chat template (a model's Jinja <c>chat_template</c>) could not be parsed or rendered. The message names the
/// construct and the template line; for <see cref="ChatTemplateErrorKind.Raised"/> it carries the template's own text.
/// </summary>
public sealed class ChatTemplateException : ReasoningException
{
    /// <summary>What kind of failure this is.</summary>
    public ChatTemplateErrorKind Kind { get; }

    /// <summary>The 1-based line of the template where it happened (0 if unknown).</summary>
    public int Line { get; }

    /// <summary>The construct involved (a tag, filter, test, method or operator name), if any.</summary>
    public string? Construct { get; }

    /// <summary>Creates the exception; the message is prefixed with the line.</summary>
    public ChatTemplateException(ChatTemplateErrorKind kind, int line, string? construct, string message)
        : base(line > 0 ? $"chat template line {line}: {message}" : $"chat template: {message}")
    {
        Kind = kind;
        Line = line;
        Construct = construct;
    }
}
