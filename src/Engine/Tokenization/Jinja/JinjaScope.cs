namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// Variables visible at a point of a template. A for loop opens a child scope, so that a <c>{% set %}</c> inside
/// it is gone after the loop (Jinja's rule, which is why templates carry state out of loops in a <c>namespace()</c>).
/// </summary>
internal sealed class JinjaScope(JinjaScope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    /// <summary>The value of <paramref name="name"/> here or in an enclosing scope; undefined if none has it.</summary>
    public object? Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
            if (scope._variables.TryGetValue(name, out var value))
                return value;
        return JinjaUndefined.Instance;
    }

    /// <summary>Sets <paramref name="name"/> in this scope.</summary>
    public void Set(string name, object? value) => _variables[name] = value;

    private JinjaScope? Parent { get; } = parent;
}
