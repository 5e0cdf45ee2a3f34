using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// A parsed Jinja template in the subset that Hugging Face chat templates use (Qwen2.5/Qwen3, Llama 3.x,
/// DeepSeek-R1 distills): <c>{{ }}</c>, <c>{% if/elif/else %}</c>, <c>{% for %}</c> with <c>loop.*</c> and an
/// <c>else</c>, <c>{% set %}</c> (with <c>namespace()</c> attributes), <c>break</c>/<c>continue</c>, whitespace
/// control, the filters of <see cref="JinjaFilters"/>, the tests of <see cref="JinjaTests"/>, Python string and dict
/// methods, slicing, <c>raise_exception</c> and <c>strftime_now</c>. Whitespace follows transformers' settings
/// (<c>trim_blocks</c> and <c>lstrip_blocks</c> on). Values print as Python prints them (<c>True</c>, <c>None</c>).
/// Immutable and thread-safe once parsed.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<JinjaStatement> _body;

    private JinjaTemplate(string source, IReadOnlyList<JinjaStatement> body)
    {
        Source = source;
        _body = body;
    }

    /// <summary>The template text.</summary>
    public string Source { get; }

    /// <summary>Parses a template.</summary>
    /// <exception cref="ChatTemplateException">A syntax error (<see cref="ChatTemplateErrorKind.Syntax"/>) or a tag,
    /// filter or test the renderer does not implement (<see cref="ChatTemplateErrorKind.Unsupported"/>), with its line.</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(source, JinjaParser.Parse(source));
    }

    /// <summary>Renders the template.</summary>
    /// <param name="context">The variables: strings, numbers, booleans, null, lists (any <see cref="System.Collections.IEnumerable"/>),
    /// dictionaries with string keys, and <see cref="System.Text.Json.JsonElement"/>/<see cref="System.Text.Json.Nodes.JsonNode"/> values.</param>
    /// <param name="now">The clock of <c>strftime_now</c> (Llama 3.2 prints today's date); the local time if null.</param>
    /// <exception cref="ChatTemplateException">Rendering failed (<see cref="ChatTemplateErrorKind.Render"/>), the template
    /// called <c>raise_exception</c> (<see cref="ChatTemplateErrorKind.Raised"/>, with its message), or it used a method or
    /// function the renderer does not implement (<see cref="ChatTemplateErrorKind.Unsupported"/>).</exception>
    /// <exception cref="ArgumentException">A context value has a type that cannot be passed to a template.</exception>
    public string Render(IReadOnlyDictionary<string, object?> context, Func<DateTimeOffset>? now = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scope = new JinjaScope(null);
        JinjaGlobals.Install(scope, now ?? (() => DateTimeOffset.Now));
        var variables = new JinjaScope(scope);
        foreach (var (name, value) in context)
        {
            if (!JinjaValues.TryImport(value, out var imported))
                throw new ArgumentException(
                    $"the template variable '{name}' holds a {value!.GetType().Name}, which a template cannot use; pass strings, numbers, booleans, lists, string-keyed dictionaries or JSON",
                    nameof(context));
            variables.Set(name, imported);
        }
        return new JinjaEvaluator().Render(_body, variables);
    }
}
