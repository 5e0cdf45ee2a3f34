namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>The tests of <c>x is name</c> that chat templates use.</summary>
internal static class JinjaTests
{
    /// <summary>The test names the renderer knows; any other is rejected when the template is parsed.</summary>
    public static readonly HashSet<string> Names =
    [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping",
        "iterable", "sequence", "callable", "odd", "even", "lower", "upper", "divisibleby", "in", "sameas",
        "equalto", "eq", "==", "ne", "!=", "lt", "<", "le", "<=", "gt", ">", "ge", ">=",
    ];

    /// <summary>Applies the test; <paramref name="compare"/> orders two values for lt/gt.</summary>
    public static bool Apply(string name, object? value, JinjaCall call, Func<object?, object?, int> compare, Func<object?, object?, bool> contains)
    {
        object? Arg() => call.Argument(0, "value", JinjaUndefined.Instance);
        return name switch
        {
            "defined" => value is not JinjaUndefined,
            "undefined" => value is JinjaUndefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is OrderedDictionary<string, object?>,
            "iterable" => value is string or List<object?> or OrderedDictionary<string, object?>,
            "sequence" => value is string or List<object?> or OrderedDictionary<string, object?>,
            "callable" => value is JinjaFunction,
            "odd" => JinjaValues.ToLong(value) % 2 != 0,
            "even" => JinjaValues.ToLong(value) % 2 == 0,
            "lower" => value is string s && s == s.ToLowerInvariant(),
            "upper" => value is string s && s == s.ToUpperInvariant(),
            "divisibleby" => JinjaValues.ToLong(value) % JinjaValues.ToLong(Arg()) == 0,
            "in" => contains(Arg(), value),
            "sameas" => ReferenceEquals(value, Arg()) || (value is null && Arg() is null) || (value is bool a && Arg() is bool b && a == b),
            "equalto" or "eq" or "==" => JinjaValues.AreEqual(value, Arg()),
            "ne" or "!=" => !JinjaValues.AreEqual(value, Arg()),
            "lt" or "<" => compare(value, Arg()) < 0,
            "le" or "<=" => compare(value, Arg()) <= 0,
            "gt" or ">" => compare(value, Arg()) > 0,
            "ge" or ">=" => compare(value, Arg()) >= 0,
            _ => throw new InvalidOperationException($"unknown test {name}"),
        };
    }
}
