namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>A statement of a parsed template; <see cref="Line"/> is where it starts, for error messages.</summary>
internal abstract record JinjaStatement(int Line);

/// <summary>Literal text.</summary>
internal sealed record TextStatement(int Line, string Text) : JinjaStatement(Line);

/// <summary><c>{{ expression }}</c></summary>
internal sealed record OutputStatement(int Line, JinjaExpression Value) : JinjaStatement(Line);

/// <summary><c>{% if %}</c> with its <c>elif</c> branches folded into <see cref="Else"/>.</summary>
internal sealed record IfStatement(int Line, JinjaExpression Test, IReadOnlyList<JinjaStatement> Body, IReadOnlyList<JinjaStatement> Else)
    : JinjaStatement(Line);

/// <summary><c>{% for a[, b] in items [if test] %}...{% else %}...{% endfor %}</c></summary>
internal sealed record ForStatement(int Line, IReadOnlyList<string> Targets, JinjaExpression Items, JinjaExpression? Filter,
    IReadOnlyList<JinjaStatement> Body, IReadOnlyList<JinjaStatement> Else) : JinjaStatement(Line);

/// <summary><c>{% set name = value %}</c>, <c>{% set a, b = value %}</c>, or the block form <c>{% set name %}...{% endset %}</c>.</summary>
internal sealed record SetStatement(int Line, IReadOnlyList<string> Targets, JinjaExpression? Value, IReadOnlyList<JinjaStatement>? Body)
    : JinjaStatement(Line);

/// <summary><c>{% set ns.attribute = value %}</c> on a <c>namespace()</c>.</summary>
internal sealed record SetAttributeStatement(int Line, JinjaExpression Target, string Attribute, JinjaExpression Value) : JinjaStatement(Line);

/// <summary><c>{% break %}</c> or <c>{% continue %}</c>.</summary>
internal sealed record LoopControlStatement(int Line, bool IsBreak) : JinjaStatement(Line);

/// <summary>An expression; <see cref="Line"/> is where it starts.</summary>
internal abstract record JinjaExpression(int Line);

/// <summary>A string, number, boolean or none.</summary>
internal sealed record LiteralExpression(int Line, object? Value) : JinjaExpression(Line);

/// <summary><c>[a, b]</c> or <c>(a, b)</c>.</summary>
internal sealed record ListExpression(int Line, IReadOnlyList<JinjaExpression> Items) : JinjaExpression(Line);

/// <summary><c>{'key': value}</c></summary>
internal sealed record DictExpression(int Line, IReadOnlyList<(JinjaExpression Key, JinjaExpression Value)> Entries) : JinjaExpression(Line);

/// <summary>A variable.</summary>
internal sealed record NameExpression(int Line, string Name) : JinjaExpression(Line);

/// <summary><c>x.name</c> (or <c>x.0</c>).</summary>
internal sealed record AttributeExpression(int Line, JinjaExpression Target, string Name) : JinjaExpression(Line);

/// <summary><c>x[index]</c></summary>
internal sealed record IndexExpression(int Line, JinjaExpression Target, JinjaExpression Index) : JinjaExpression(Line);

/// <summary><c>x[start:stop:step]</c></summary>
internal sealed record SliceExpression(int Line, JinjaExpression Target, JinjaExpression? Start, JinjaExpression? Stop, JinjaExpression? Step)
    : JinjaExpression(Line);

/// <summary>Positional and keyword arguments of a call, filter or test.</summary>
internal sealed record JinjaArguments(IReadOnlyList<JinjaExpression> Positional, IReadOnlyList<(string Name, JinjaExpression Value)> Keywords)
{
    public static readonly JinjaArguments None = new([], []);
}

/// <summary><c>f(args)</c> or <c>x.method(args)</c>.</summary>
internal sealed record CallExpression(int Line, JinjaExpression Callee, JinjaArguments Arguments) : JinjaExpression(Line);

/// <summary><c>x | name(args)</c></summary>
internal sealed record FilterExpression(int Line, JinjaExpression Target, string Name, JinjaArguments Arguments) : JinjaExpression(Line);

/// <summary><c>x is [not] name [arg]</c></summary>
internal sealed record TestExpression(int Line, JinjaExpression Target, string Name, bool Negated, JinjaArguments Arguments) : JinjaExpression(Line);

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed record UnaryExpression(int Line, string Operator, JinjaExpression Operand) : JinjaExpression(Line);

/// <summary>Arithmetic, comparison, <c>~</c>, <c>in</c>, <c>not in</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpression(int Line, string Operator, JinjaExpression Left, JinjaExpression Right) : JinjaExpression(Line);

/// <summary><c>a if test else b</c> (without <c>else</c>, undefined).</summary>
internal sealed record ConditionalExpression(int Line, JinjaExpression Test, JinjaExpression Then, JinjaExpression? Else) : JinjaExpression(Line);
