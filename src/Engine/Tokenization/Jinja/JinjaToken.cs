namespace Reasoning.Engine.Tokenization.Jinja;

/// <summary>The kinds of token a chat template is cut into.</summary>
internal enum JinjaTokenKind
{
    /// <summary>Literal text between tags.</summary>
    Text,
    /// <summary><c>{%</c></summary>
    OpenStatement,
    /// <summary><c>%}</c></summary>
    CloseStatement,
    /// <summary><c>{{</c></summary>
    OpenExpression,
    /// <summary><c>}}</c></summary>
    CloseExpression,
    /// <summary>A name: a variable, keyword, filter or test.</summary>
    Name,
    /// <summary>A string literal (escapes already resolved).</summary>
    String,
    /// <summary>An integer literal.</summary>
    Integer,
    /// <summary>A float literal.</summary>
    Float,
    /// <summary>An operator or punctuation: <c>( ) [ ] { } , . : | = + - * / // % ** ~ == != &lt; &gt; &lt;= &gt;=</c>.</summary>
    Operator,
    /// <summary>The end of the template.</summary>
    End,
}

/// <summary>One token with the 1-based template line it starts on.</summary>
internal readonly record struct JinjaToken(JinjaTokenKind Kind, string Text, int Line)
{
    public bool Is(JinjaTokenKind kind, string text) => Kind == kind && Text == text;

    public bool IsOperator(string text) => Kind == JinjaTokenKind.Operator && Text == text;

    public bool IsName(string text) => Kind == JinjaTokenKind.Name && Text == text;

    /// <summary>How the token reads in an error message.</summary>
    public string Describe() => Kind switch
    {
        JinjaTokenKind.End => "the end of the template",
        JinjaTokenKind.Text => "text",
        JinjaTokenKind.String => $"the string '{Text}'",
        _ => $"'{Text}'",
    };
}
