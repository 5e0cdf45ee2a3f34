using System.Text;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// Runs parsed statements against a scope and writes the output. Python's semantics for values (see
/// <see cref="JinjaValues"/>); like @huggingface/jinja it is lenient where Python Jinja would fail on the template
/// author's slips (an attribute of undefined is undefined, <c>'a' + 1</c> concatenates).
/// </summary>
internal sealed class JinjaEvaluator
{
    private enum Flow { Normal, Break, Continue }

    /// <summary>Renders <paramref name="body"/> with the variables of <paramref name="scope"/>.</summary>
    public string Render(IReadOnlyList<JinjaStatement> body, JinjaScope scope)
    {
        var output = new StringBuilder();
        if (Execute(body, scope, output) != Flow.Normal)
            throw new ChatTemplateException(ChatTemplateErrorKind.Syntax, 0, "break", "{% break %} or {% continue %} outside a for loop");
        return output.ToString();
    }

    private Flow Execute(IReadOnlyList<JinjaStatement> statements, JinjaScope scope, StringBuilder output)
    {
        foreach (var statement in statements)
        {
            var flow = Execute(statement, scope, output);
            if (flow != Flow.Normal)
                return flow;
        }
        return Flow.Normal;
    }

    private Flow Execute(JinjaStatement statement, JinjaScope scope, StringBuilder output)
    {
        switch (statement)
        {
            case TextStatement text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputStatement print:
                var printed = Evaluate(print.Value, scope);
                output.Append(Guard(print.Line, "{{ }}", () => JinjaValues.ToText(printed)));
                return Flow.Normal;
            case IfStatement branch:
                return Execute(JinjaValues.IsTrue(Evaluate(branch.Test, scope)) ? branch.Body : branch.Else, scope, output);
            case ForStatement loop:
                return For(loop, scope, output);
            case SetStatement set:
                Set(set, scope);
                return Flow.Normal;
            case SetAttributeStatement setAttribute:
                if (Evaluate(setAttribute.Target, scope) is not JinjaNamespace ns)
                    throw Fail(setAttribute.Line, "set", $"only a namespace() takes attribute assignment ({{% set x.{setAttribute.Attribute} = ... %}})");
                ns.Values[setAttribute.Attribute] = Evaluate(setAttribute.Value, scope);
                return Flow.Normal;
            case LoopControlStatement control:
                return control.IsBreak ? Flow.Break : Flow.Continue;
            default:
                throw new InvalidOperationException($"unknown statement {statement.GetType().Name}");
        }
    }

    private void Set(SetStatement set, JinjaScope scope)
    {
        object? value;
        if (set.Value is null)
        {
            var captured = new StringBuilder();
            Execute(set.Body!, scope, captured);
            value = captured.ToString();
        }
        else
        {
            value = Evaluate(set.Value, scope);
        }
        if (set.Targets.Count == 1)
        {
            scope.Set(set.Targets[0], value);
            return;
        }
        Unpack(set.Targets, value, scope, set.Line);
    }

    private void Unpack(IReadOnlyList<string> targets, object? value, JinjaScope scope, int line)
    {
        if (value is not List<object?> items || items.Count != targets.Count)
            throw Fail(line, "unpack", $"cannot unpack {JinjaValues.Describe(value)} into {targets.Count} names ({string.Join(", ", targets)})");
        for (var i = 0; i < targets.Count; i++)
            scope.Set(targets[i], items[i]);
    }

    private Flow For(ForStatement loop, JinjaScope scope, StringBuilder output)
    {
        var source = Evaluate(loop.Items, scope);
        if (source is not (List<object?> or string or OrderedDictionary<string, object?> or JinjaUndefined))
            throw Fail(loop.Line, "for", $"'for' cannot loop over {JinjaValues.Describe(source)}");
        var inner = new JinjaScope(scope);
        var items = JinjaFilters.Items(source, "for");
        if (loop.Filter is not null)
        {
            items = items.Where(item =>
            {
                Bind(loop, item, inner);
                return JinjaValues.IsTrue(Evaluate(loop.Filter, inner));
            }).ToList();
        }
        if (items.Count == 0)
            return Execute(loop.Else, scope, output);
        for (var i = 0; i < items.Count; i++)
        {
            var state = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
            {
                ["index"] = (long)(i + 1),
                ["index0"] = (long)i,
                ["revindex"] = (long)(items.Count - i),
                ["revindex0"] = (long)(items.Count - i - 1),
                ["first"] = i == 0,
                ["last"] = i == items.Count - 1,
                ["length"] = (long)items.Count,
                ["previtem"] = i > 0 ? items[i - 1] : JinjaUndefined.Instance,
                ["nextitem"] = i < items.Count - 1 ? items[i + 1] : JinjaUndefined.Instance,
            };
            inner.Set("loop", state);
            Bind(loop, items[i], inner);
            if (Execute(loop.Body, inner, output) == Flow.Break)
                break;
        }
        return Flow.Normal;
    }

    private void Bind(ForStatement loop, object? item, JinjaScope scope)
    {
        if (loop.Targets.Count == 1)
            scope.Set(loop.Targets[0], item);
        else
            Unpack(loop.Targets, item, scope, loop.Line);
    }

    private object? Evaluate(JinjaExpression expression, JinjaScope scope)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case NameExpression name:
                return scope.Lookup(name.Name);
            case ListExpression list:
                return list.Items.Select(item => Evaluate(item, scope)).ToList();
            case DictExpression dict:
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in dict.Entries)
                    result[Evaluate(key, scope) as string ?? throw Fail(dict.Line, "dict", "dictionary keys must be strings")] = Evaluate(value, scope);
                return result;
            case AttributeExpression attribute:
                return Attribute(Evaluate(attribute.Target, scope), attribute.Name, attribute.Line);
            case IndexExpression index:
                return Index(Evaluate(index.Target, scope), Evaluate(index.Index, scope), index.Line);
            case SliceExpression slice:
                return Guard(slice.Line, "slice", () => JinjaSlicing.Slice(Evaluate(slice.Target, scope),
                    Optional(slice.Start, scope), Optional(slice.Stop, scope), Optional(slice.Step, scope)));
            case CallExpression call:
                return Call(call, scope);
            case FilterExpression filter:
                var target = Evaluate(filter.Target, scope);
                var filterCall = Arguments(filter.Name, filter.Line, filter.Arguments, scope);
                return Guard(filter.Line, filter.Name, () => JinjaFilters.Apply(this, filter.Name, target, filterCall));
            case TestExpression test:
                var subject = Evaluate(test.Target, scope);
                var testCall = Arguments(test.Name, test.Line, test.Arguments, scope);
                return Guard(test.Line, test.Name, () => Test(test.Name, subject, testCall)) != test.Negated;
            case UnaryExpression unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !JinjaValues.IsTrue(operand),
                    "-" when operand is double d => -d,
                    "-" when operand is long or bool => -JinjaValues.ToLong(operand),
                    "+" when operand is long or double or bool => operand is double ? operand : JinjaValues.ToLong(operand),
                    _ => throw Fail(unary.Line, unary.Operator, $"unary '{unary.Operator}' needs a number, not {JinjaValues.Describe(operand)}"),
                };
            case BinaryExpression binary:
                return Binary(binary, scope);
            case ConditionalExpression conditional:
                return JinjaValues.IsTrue(Evaluate(conditional.Test, scope))
                    ? Evaluate(conditional.Then, scope)
                    : conditional.Else is null ? JinjaUndefined.Instance : Evaluate(conditional.Else, scope);
            default:
                throw new InvalidOperationException($"unknown expression {expression.GetType().Name}");
        }
    }

    private object? Optional(JinjaExpression? expression, JinjaScope scope) => expression is null ? null : Evaluate(expression, scope);

    private JinjaCall Arguments(string name, int line, JinjaArguments arguments, JinjaScope scope) =>
        new(name, line, arguments.Positional.Select(a => Evaluate(a, scope)).ToList(),
            arguments.Keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope), StringComparer.Ordinal));

    private object? Call(CallExpression call, JinjaScope scope)
    {
        var callee = Evaluate(call.Callee, scope);
        var name = call.Callee switch
        {
            NameExpression n => n.Name,
            AttributeExpression a => a.Name,
            _ => "call",
        };
        if (callee is not JinjaFunction function)
        {
            if (call.Callee is AttributeExpression method)
            {
                var owner = Evaluate(method.Target, scope);
                throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, call.Line, method.Name,
                    $"the method '{method.Name}()' of {JinjaValues.Describe(owner)} is not supported by this renderer");
            }
            throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, call.Line, name,
                callee is JinjaUndefined
                    ? $"the function '{name}()' is not defined (the renderer provides namespace, raise_exception, range, dict and strftime_now)"
                    : $"'{name}' is {JinjaValues.Describe(callee)}, not a function");
        }
        var arguments = Arguments(name, call.Line, call.Arguments, scope);
        return Guard(call.Line, name, () => function(arguments));
    }

    /// <summary><c>target.name</c>: a mapping's key, a namespace's attribute, or a bound method; otherwise undefined.</summary>
    public object? Attribute(object? target, string name, int line)
    {
        // "a.b.c" paths, as map(attribute=...) and sort(attribute=...) take them.
        if (name.Contains('.'))
            return name.Split('.').Aggregate(target, (current, part) => Attribute(current, part, line));
        switch (target)
        {
            case OrderedDictionary<string, object?> dict when dict.TryGetValue(name, out var value):
                return value;
            case JinjaNamespace ns:
                return ns.Values.TryGetValue(name, out var attribute) ? attribute : JinjaUndefined.Instance;
            case List<object?> list when int.TryParse(name, out var position):
                return Index(list, (long)position, line);
        }
        return (object?)JinjaMethods.Bind(target, name) ?? JinjaUndefined.Instance;
    }

    private object? Index(object? target, object? index, int line)
    {
        switch (target, index)
        {
            case (List<object?> list, long or bool):
                var i = JinjaValues.ToLong(index);
                if (i < 0)
                    i += list.Count;
                return i >= 0 && i < list.Count ? list[(int)i] : JinjaUndefined.Instance;
            case (string s, long or bool):
                var c = JinjaValues.ToLong(index);
                if (c < 0)
                    c += s.Length;
                return c >= 0 && c < s.Length ? s[(int)c].ToString() : JinjaUndefined.Instance;
            case (_, string key):
                return Attribute(target, key, line);
            case (JinjaUndefined or null, _):
                return JinjaUndefined.Instance;
            default:
                throw Fail(line, "[]", $"cannot index {JinjaValues.Describe(target)} with {JinjaValues.Describe(index)}");
        }
    }

    /// <summary>Applies test <paramref name="name"/>.</summary>
    public bool Test(string name, object? value, JinjaCall call) =>
        JinjaTests.Apply(name, value, call, (a, b) => Compare(a, b, call.Line), Contains);

    /// <summary>Orders two numbers or two strings (ordinally); any other pair is an error.</summary>
    public int Compare(object? a, object? b, int line)
    {
        if (JinjaValues.IsNumber(a) && JinjaValues.IsNumber(b))
            return JinjaValues.ToDouble(a).CompareTo(JinjaValues.ToDouble(b));
        if (a is string x && b is string y)
            return string.CompareOrdinal(x, y);
        throw new JinjaRuntimeError("compare", $"cannot compare {JinjaValues.Describe(a)} with {JinjaValues.Describe(b)}");
    }

    /// <summary>Python's <c>item in container</c>: a substring, a list item, or a mapping key.</summary>
    public bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal)
            : throw new JinjaRuntimeError("in", $"'in <string>' needs a string on the left, not {JinjaValues.Describe(item)}"),
        List<object?> list => list.Any(x => JinjaValues.AreEqual(x, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        JinjaNamespace ns => item is string name && ns.Values.ContainsKey(name),
        JinjaUndefined or null => false,
        _ => throw new JinjaRuntimeError("in", $"cannot look for a value in {JinjaValues.Describe(container)}"),
    };

    private object? Binary(BinaryExpression binary, JinjaScope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case "and":
                return JinjaValues.IsTrue(left) ? Evaluate(binary.Right, scope) : left;
            case "or":
                return JinjaValues.IsTrue(left) ? left : Evaluate(binary.Right, scope);
        }
        var right = Evaluate(binary.Right, scope);
        return Guard(binary.Line, binary.Operator, () => JinjaOperators.Apply(binary.Operator, left, right, this, binary.Line));
    }

    private static T Guard<T>(int line, string construct, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (JinjaRuntimeError e)
        {
            throw new ChatTemplateException(e.Unsupported ? ChatTemplateErrorKind.Unsupported : ChatTemplateErrorKind.Render, line, e.Construct, e.Message);
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or DivideByZeroException)
        {
            throw new ChatTemplateException(ChatTemplateErrorKind.Render, line, construct, $"'{construct}' got values it cannot work on ({e.Message})");
        }
    }

    private static ChatTemplateException Fail(int line, string construct, string message) =>
        new(ChatTemplateErrorKind.Render, line, construct, message);
}
