using Reasoning.Engine.Errors;

namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>
/// Parses the tokens of a chat template into statements (this file: tags; JinjaParser.Expressions.cs: expressions).
/// Tags, filters and tests the renderer does not implement are rejected here, naming the construct and its line.
/// </summary>
internal sealed partial class JinjaParser
{
    private static readonly HashSet<string> UnsupportedTags =
        ["macro", "call", "filter", "include", "import", "from", "extends", "block", "raw", "with", "autoescape", "do", "trans"];

    private readonly List<JinjaToken> _tokens;
    private int _index;

    private JinjaParser(List<JinjaToken> tokens) => _tokens = tokens;

    /// <summary>Parses a whole template.</summary>
    /// <exception cref="ChatTemplateException">A syntax error, or a construct the renderer does not support.</exception>
    public static IReadOnlyList<JinjaStatement> Parse(string source)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source));
        var (body, _, _) = parser.Block(null, 0);
        return body;
    }

    private JinjaToken Current => _tokens[_index];

    private JinjaToken Next() => _tokens[_index++];

    private JinjaToken Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    /// <summary>Statements until one of the <paramref name="stops"/> tags (consumed up to its name), or the end of the template.</summary>
    private (List<JinjaStatement> Body, string? Stop, int StopLine) Block(string? opener, int openLine, params string[] stops)
    {
        var body = new List<JinjaStatement>();
        while (true)
        {
            var token = Next();
            switch (token.Kind)
            {
                case JinjaTokenKind.Text:
                    body.Add(new TextStatement(token.Line, token.Text));
                    break;
                case JinjaTokenKind.OpenExpression:
                    body.Add(new OutputStatement(token.Line, Expression()));
                    Expect(JinjaTokenKind.CloseExpression, "}}");
                    break;
                case JinjaTokenKind.OpenStatement:
                    var name = Current;
                    if (name.Kind != JinjaTokenKind.Name)
                        throw Syntax(name, "{%", $"expected a tag name after {{%, found {name.Describe()}");
                    if (stops.Contains(name.Text))
                    {
                        _index++;
                        return (body, name.Text, name.Line);
                    }
                    if (Statement() is { } statement)
                        body.Add(statement);
                    break;
                case JinjaTokenKind.End:
                    if (opener is not null)
                        throw new ChatTemplateException(ChatTemplateErrorKind.Syntax, openLine, opener,
                            $"{{% {opener} %}} is never closed; expected {{% {stops[^1]} %}} before the end of the template");
                    return (body, null, token.Line);
                default:
                    throw Syntax(token, token.Text, $"unexpected {token.Describe()} outside a tag");
            }
        }
    }

    private JinjaStatement? Statement()
    {
        var name = Next();
        switch (name.Text)
        {
            case "if":
                return If(name.Line);
            case "for":
                return For(name.Line);
            case "set":
                return Set(name.Line);
            case "break" or "continue":
                Expect(JinjaTokenKind.CloseStatement, "%}");
                return new LoopControlStatement(name.Line, name.Text == "break");
            case "generation" or "endgeneration":
                // transformers' marker for assistant-token masks: it renders nothing.
                Expect(JinjaTokenKind.CloseStatement, "%}");
                return null;
        }
        if (UnsupportedTags.Contains(name.Text))
            throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, name.Line, name.Text,
                $"the {{% {name.Text} %}} tag is not supported by this renderer (it renders if/elif/else, for, set, break and continue)");
        throw Syntax(name, name.Text, $"unknown tag {{% {name.Text} %}}" +
            (name.Text.StartsWith("end", StringComparison.Ordinal) || name.Text is "elif" or "else" ? " with no open block to close" : ""));
    }

    private IfStatement If(int line)
    {
        var test = Expression();
        Expect(JinjaTokenKind.CloseStatement, "%}");
        var (body, stop, stopLine) = Block("if", line, "elif", "else", "endif");
        IReadOnlyList<JinjaStatement> otherwise = [];
        if (stop == "elif")
        {
            otherwise = [If(stopLine)];
        }
        else if (stop == "else")
        {
            Expect(JinjaTokenKind.CloseStatement, "%}");
            (otherwise, _, _) = Block("if", line, "endif");
            Expect(JinjaTokenKind.CloseStatement, "%}");
        }
        else
        {
            Expect(JinjaTokenKind.CloseStatement, "%}");
        }
        return new IfStatement(line, test, body, otherwise);
    }

    private ForStatement For(int line)
    {
        var targets = new List<string> { ExpectName("a loop variable") };
        while (Current.IsOperator(","))
        {
            _index++;
            targets.Add(ExpectName("a loop variable"));
        }
        ExpectName("in", "in");
        var items = Or();
        JinjaExpression? filter = null;
        if (Current.IsName("if"))
        {
            _index++;
            filter = Or();
        }
        if (Current.IsName("recursive"))
            throw new ChatTemplateException(ChatTemplateErrorKind.Unsupported, Current.Line, "recursive", "recursive loops are not supported by this renderer");
        Expect(JinjaTokenKind.CloseStatement, "%}");
        var (body, stop, _) = Block("for", line, "else", "endfor");
        IReadOnlyList<JinjaStatement> otherwise = [];
        Expect(JinjaTokenKind.CloseStatement, "%}");
        if (stop == "else")
        {
            (otherwise, _, _) = Block("for", line, "endfor");
            Expect(JinjaTokenKind.CloseStatement, "%}");
        }
        return new ForStatement(line, targets, items, filter, body, otherwise);
    }

    private JinjaStatement Set(int line)
    {
        var first = ExpectName("a variable name");
        if (Current.IsOperator("."))
        {
            _index++;
            var attribute = ExpectName("an attribute name");
            ExpectOperator("=");
            var value = Expression();
            Expect(JinjaTokenKind.CloseStatement, "%}");
            return new SetAttributeStatement(line, new NameExpression(line, first), attribute, value);
        }
        var targets = new List<string> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            targets.Add(ExpectName("a variable name"));
        }
        if (Current.Kind == JinjaTokenKind.CloseStatement && targets.Count == 1)
        {
            _index++;
            var (body, _, _) = Block("set", line, "endset");
            Expect(JinjaTokenKind.CloseStatement, "%}");
            return new SetStatement(line, targets, null, body);
        }
        ExpectOperator("=");
        var rhs = Tuple();
        Expect(JinjaTokenKind.CloseStatement, "%}");
        return new SetStatement(line, targets, rhs, null);
    }

    private void Expect(JinjaTokenKind kind, string text)
    {
        var token = Next();
        if (token.Kind != kind)
            throw Syntax(token, text, $"expected {text}, found {token.Describe()}");
    }

    private void ExpectOperator(string text)
    {
        var token = Next();
        if (!token.IsOperator(text))
            throw Syntax(token, text, $"expected '{text}', found {token.Describe()}");
    }

    private string ExpectName(string what, string? exactly = null)
    {
        var token = Next();
        if (token.Kind != JinjaTokenKind.Name || (exactly is not null && token.Text != exactly))
            throw Syntax(token, exactly ?? token.Text, $"expected {what}, found {token.Describe()}");
        return token.Text;
    }

    private static ChatTemplateException Syntax(JinjaToken token, string construct, string message) =>
        new(ChatTemplateErrorKind.Syntax, token.Line, construct, message);
}
