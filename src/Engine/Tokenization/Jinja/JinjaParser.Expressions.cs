using System.Globalization;
using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// Expressions, in Jinja's precedence, lowest first: conditional (<c>a if b else c</c>), <c>or</c>, <c>and</c>,
/// <c>not</c>, comparisons and <c>in</c>, <c>+ -</c>, <c>~</c>, <c>* / // %</c>, <c>**</c>, unary <c>- +</c>, then
/// postfix (<c>.x</c>, <c>[i]</c>, <c>(args)</c>), filters and tests.
/// </summary>
internal sealed partial class JinjaParser
{
    /// <summary>An expression, or several separated by commas (a tuple, as in <c>set a, b = 1, 2</c>).</summary>
    private JinjaExpression Tuple()
    {
        var first = Expression();
        if (!Current.IsOperator(","))
            return first;
        var items = new List<JinjaExpression> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            items.Add(Expression());
        }
        return new ListExpression(first.Line, items);
    }

    private JinjaExpression Expression()
    {
        var value = Or();
        if (!Current.IsName("if"))
            return value;
        var line = Next().Line;
        var test = Or();
        JinjaExpression? otherwise = null;
        if (Current.IsName("else"))
        {
            _index++;
            otherwise = Expression();
        }
        return new ConditionalExpression(line, test, value, otherwise);
    }

    private JinjaExpression Or()
    {
        var left = And();
        while (Current.IsName("or"))
            left = new BinaryExpression(Next().Line, "or", left, And());
        return left;
    }

    private JinjaExpression And()
    {
        var left = Not();
        while (Current.IsName("and"))
            left = new BinaryExpression(Next().Line, "and", left, Not());
        return left;
    }

    private JinjaExpression Not()
    {
        if (Current.IsName("not"))
            return new UnaryExpression(Next().Line, "not", Not());
        return Compare();
    }

    private JinjaExpression Compare()
    {
        var left = Additive();
        while (true)
        {
            var token = Current;
            if (token.Kind == JinjaTokenKind.Operator && token.Text is "==" or "!=" or "<" or ">" or "<=" or ">=")
            {
                _index++;
                left = new BinaryExpression(token.Line, token.Text, left, Additive());
            }
            else if (token.IsName("in"))
            {
                _index++;
                left = new BinaryExpression(token.Line, "in", left, Additive());
            }
            else if (token.IsName("not") && Peek().IsName("in"))
            {
                _index += 2;
                left = new BinaryExpression(token.Line, "not in", left, Additive());
            }
            else
            {
                return left;
            }
        }
    }

    private JinjaExpression Additive()
    {
        var left = Concat();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Text is "+" or "-")
        {
            var op = Next();
            left = new BinaryExpression(op.Line, op.Text, left, Concat());
        }
        return left;
    }

    private JinjaExpression Concat()
    {
        var left = Multiplicative();
        while (Current.IsOperator("~"))
            left = new BinaryExpression(Next().Line, "~", left, Multiplicative());
        return left;
    }

    private JinjaExpression Multiplicative()
    {
        var left = Power();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpression(op.Line, op.Text, left, Power());
        }
        return left;
    }

    private JinjaExpression Power()
    {
        var left = Unary();
        while (Current.IsOperator("**"))
            left = new BinaryExpression(Next().Line, "**", left, Unary());
        return left;
    }

    private JinjaExpression Unary()
    {
        if (Current.Kind == JinjaTokenKind.Operator && Current.Text is "-" or "+")
        {
            var op = Next();
            return FiltersAndTests(new UnaryExpression(op.Line, op.Text, Postfix(Primary())));
        }
        return FiltersAndTests(Postfix(Primary()));
    }

    private JinjaExpression FiltersAndTests(JinjaExpression value)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                _index++;
                var name = Current;
                var filter = ExpectName("a filter name");
                if (!JinjaFilters.Names.Contains(filter))
                    throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, name.Line, filter,
                        $"the filter '{filter}' is not supported by this renderer (supported: {string.Join(", ", JinjaFilters.Names.Order(StringComparer.Ordinal))})");
                var arguments = Current.IsOperator("(") ? Arguments() : JinjaArguments.None;
                value = Postfix(new FilterExpression(name.Line, value, filter, arguments));
            }
            else if (Current.IsName("is"))
            {
                var line = Next().Line;
                var negated = false;
                if (Current.IsName("not"))
                {
                    _index++;
                    negated = true;
                }
                var name = Current;
                string test;
                if (name.Kind == JinjaTokenKind.Operator && name.Text is "==" or "!=" or "<" or ">" or "<=" or ">=")
                {
                    _index++;
                    test = name.Text;
                }
                else
                {
                    test = ExpectName("a test name");
                }
                if (!JinjaTests.Names.Contains(test))
                    throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, name.Line, test,
                        $"the test 'is {test}' is not supported by this renderer (supported: {string.Join(", ", JinjaTests.Names.Order(StringComparer.Ordinal))})");
                JinjaArguments arguments;
                if (Current.IsOperator("("))
                    arguments = Arguments();
                else if (Current.Kind is JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float
                         || Current.IsOperator("[") || Current.IsOperator("{")
                         || (Current.Kind == JinjaTokenKind.Name && Current.Text is not ("else" or "or" or "and" or "if" or "is" or "in" or "not")))
                    arguments = new JinjaArguments([Postfix(Primary())], []);
                else
                    arguments = JinjaArguments.None;
                value = new TestExpression(line, value, test, negated, arguments);
            }
            else
            {
                return value;
            }
        }
    }

    private JinjaExpression Postfix(JinjaExpression value)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                _index++;
                var name = Next();
                if (name.Kind is not (JinjaTokenKind.Name or JinjaTokenKind.Integer))
                    throw Syntax(name, ".", $"expected an attribute name after '.', found {name.Describe()}");
                value = new AttributeExpression(token.Line, value, name.Text);
            }
            else if (token.IsOperator("["))
            {
                _index++;
                value = Subscript(token.Line, value);
            }
            else if (token.IsOperator("("))
            {
                value = new CallExpression(token.Line, value, Arguments());
            }
            else
            {
                return value;
            }
        }
    }

    private JinjaExpression Subscript(int line, JinjaExpression target)
    {
        JinjaExpression? start = null;
        if (!Current.IsOperator(":"))
        {
            start = Expression();
            if (Current.IsOperator("]"))
            {
                _index++;
                return new IndexExpression(line, target, start);
            }
        }
        ExpectOperator(":");
        JinjaExpression? stop = null, step = null;
        if (!Current.IsOperator(":") && !Current.IsOperator("]"))
            stop = Expression();
        if (Current.IsOperator(":"))
        {
            _index++;
            if (!Current.IsOperator("]"))
                step = Expression();
        }
        ExpectOperator("]");
        return new SliceExpression(line, target, start, stop, step);
    }

    private JinjaArguments Arguments()
    {
        ExpectOperator("(");
        var positional = new List<JinjaExpression>();
        var keywords = new List<(string, JinjaExpression)>();
        while (!Current.IsOperator(")"))
        {
            if (Current.IsOperator("*") || Current.IsOperator("**"))
                throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, Current.Line, Current.Text,
                    $"argument unpacking ({Current.Text}args) is not supported by this renderer");
            if (Current.Kind == JinjaTokenKind.Name && Peek().IsOperator("="))
            {
                var name = Next().Text;
                _index++;
                keywords.Add((name, Expression()));
            }
            else
            {
                positional.Add(Expression());
            }
            if (!Current.IsOperator(","))
                break;
            _index++;
        }
        ExpectOperator(")");
        return new JinjaArguments(positional, keywords);
    }

    private JinjaExpression Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case JinjaTokenKind.String:
                var text = token.Text;
                // Adjacent string literals join, as in Python.
                while (Current.Kind == JinjaTokenKind.String)
                    text += Next().Text;
                return new LiteralExpression(token.Line, text);
            case JinjaTokenKind.Integer:
                return new LiteralExpression(token.Line, long.Parse(token.Text, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Float:
                return new LiteralExpression(token.Line, double.Parse(token.Text, CultureInfo.InvariantCulture));
            case JinjaTokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpression(token.Line, true),
                    "false" or "False" => new LiteralExpression(token.Line, false),
                    "none" or "None" => new LiteralExpression(token.Line, null),
                    _ => new NameExpression(token.Line, token.Text),
                };
            case JinjaTokenKind.Operator when token.Text == "(":
                if (Current.IsOperator(")"))
                {
                    _index++;
                    return new ListExpression(token.Line, []);
                }
                var first = Expression();
                if (Current.IsOperator(")"))
                {
                    _index++;
                    return first;
                }
                var tuple = new List<JinjaExpression> { first };
                while (Current.IsOperator(","))
                {
                    _index++;
                    if (Current.IsOperator(")"))
                        break;
                    tuple.Add(Expression());
                }
                ExpectOperator(")");
                return new ListExpression(token.Line, tuple);
            case JinjaTokenKind.Operator when token.Text == "[":
                var items = new List<JinjaExpression>();
                while (!Current.IsOperator("]"))
                {
                    items.Add(Expression());
                    if (!Current.IsOperator(","))
                        break;
                    _index++;
                }
                ExpectOperator("]");
                return new ListExpression(token.Line, items);
            case JinjaTokenKind.Operator when token.Text == "{":
                var entries = new List<(JinjaExpression, JinjaExpression)>();
                while (!Current.IsOperator("}"))
                {
                    var key = Expression();
                    ExpectOperator(":");
                    entries.Add((key, Expression()));
                    if (!Current.IsOperator(","))
                        break;
                    _index++;
                }
                ExpectOperator("}");
                return new DictExpression(token.Line, entries);
            default:
                throw Syntax(token, token.Text, $"expected a value, found {token.Describe()}");
        }
    }
}
