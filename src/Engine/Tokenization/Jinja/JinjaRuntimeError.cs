namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// A failure inside a filter, test or method, raised without knowing the template line; the evaluator turns it into a
/// <see cref="Errors.ChatTemplateException"/> at the line of the expression that called it.
/// </summary>
internal sealed class JinjaRuntimeError(string construct, string message, bool unsupported = false) : Exception(message)
{
    /// <summary>The filter, test, method or operator involved.</summary>
    public string Construct { get; } = construct;

    /// <summary>Whether the construct is one the renderer does not implement (rather than a wrong value).</summary>
    public bool Unsupported { get; } = unsupported;
}
